using System.Globalization;
using System.Text;
using System.Text.Json;
using AudioThinker.Abstractions;
using AudioThinker.Grpo.Evaluation;

namespace AudioThinker.Grpo.Composition;

/// <summary>A finding of the paper checked on the quickstart's numbers.</summary>
/// <param name="Claim">What should hold.</param>
/// <param name="Holds">Whether it does.</param>
/// <param name="Evidence">The numbers.</param>
public sealed record Finding(string Claim, bool Holds, string Evidence);

/// <summary>Writes <c>report.md</c>, <c>results.json</c> and the PNG figures of a quickstart run.</summary>
public static class QuickstartReport
{
    private static readonly Difficulty[] Levels = [Difficulty.Easy, Difficulty.Medium, Difficulty.Hard];

    /// <summary>Mean and sample standard deviation of one figure over a variant's seeds.</summary>
    public static (double Mean, double Sd) Stat(IEnumerable<double> values)
    {
        var xs = values.Where(double.IsFinite).ToList();
        if (xs.Count == 0)
        {
            return (double.NaN, double.NaN);
        }
        var mean = xs.Average();
        var sd = xs.Count < 2 ? 0 : Math.Sqrt(xs.Sum(x => (x - mean) * (x - mean)) / (xs.Count - 1));
        return (mean, sd);
    }

    /// <summary>The findings the quickstart is meant to reproduce, checked on <paramref name="result"/>.</summary>
    public static List<Finding> Findings(QuickstartResult result)
    {
        var findings = new List<Finding>();
        var by = result.Runs.GroupBy(r => r.Variant).ToDictionary(g => g.Key, g => g.ToList());
        List<VariantRun>? Get(string name) => by.TryGetValue(name, out var v) ? v : null;
        double Mean(List<VariantRun> runs, Func<EvaluationSummary, double> f) => Stat(runs.Select(r => f(r.Summary))).Mean;

        if (Get("forced_think") is { } forced)
        {
            var rates = Levels.Select(l => Mean(forced, s => s.ThinkRate(l))).ToArray();
            var spread = rates.Max() - rates.Min();
            findings.Add(new Finding("The prompt-forced variant's think rate is flat across difficulty (spread ≤ 0.10).", spread <= 0.10,
                $"think rate easy/medium/hard = {F(rates[0])} / {F(rates[1])} / {F(rates[2])}, spread {F(spread)}"));
        }
        if (Get("audio_thinker") is { } at)
        {
            var easy = Mean(at, s => s.NoThinkRate(Difficulty.Easy));
            var hard = Mean(at, s => s.NoThinkRate(Difficulty.Hard));
            findings.Add(new Finding("Audio-Thinker's no-think rate on easy questions exceeds its rate on hard ones by at least 0.25.", easy - hard >= 0.25,
                $"no-think rate easy {F(easy)}, hard {F(hard)}, difference {F(easy - hard)}"));
            if (Get("outcome") is { } outcome)
            {
                var a = Mean(at, s => s.Accuracy(Difficulty.Hard));
                var b = Mean(outcome, s => s.Accuracy(Difficulty.Hard));
                findings.Add(new Finding("Audio-Thinker's accuracy on hard questions is at least outcome-only GRPO's.", a >= b,
                    $"hard accuracy: Audio-Thinker {F(a)}, outcome-only {F(b)}"));
            }
            if (Get("forced_think") is { } forced2)
            {
                var a = Mean(at, s => s.ConsistencyRate());
                var b = Mean(forced2, s => s.ConsistencyRate());
                findings.Add(new Finding("Audio-Thinker's reasoning agrees with its answers more often than the prompt-forced variant's (consistency judge; no-think counts as consistent, as in the paper).",
                    a > b, $"consistency: Audio-Thinker {F(a)}, forced thinking {F(b)} (among thinking responses only: {F(Mean(at, s => s.ThinkConsistencyRate()))} vs {F(Mean(forced2, s => s.ThinkConsistencyRate()))})"));
            }
        }
        return findings;
    }

    /// <summary>Writes everything into the result's folder; returns the report's path.</summary>
    public static string Write(QuickstartResult result)
    {
        var dir = result.Folder;
        Directory.CreateDirectory(dir);
        var findings = Findings(result);
        var fig2 = Path.Combine(dir, "fig2_no_think_by_difficulty.png");
        DrawNoThink(result, fig2);
        var curves = Path.Combine(dir, "training_curves.png");
        DrawCurves(result, curves);

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Quickstart report (profile `{result.Profile}`)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Wall time: {result.Wall.TotalMinutes:F1} min{(result.Resumed ? " (this process only: it resumed an interrupted run)" : "")}. Seeds per variant: {result.Runs.GroupBy(r => r.Variant).Select(g => g.Count()).DefaultIfEmpty(0).Max()}. " +
            $"Test questions: {result.WarmUp.Responses.Count} ({string.Join(", ", Levels.Select(l => $"{result.WarmUp.Responses.Count(r => r.Question.Difficulty == l)} {Name(l)}"))}).");
        md.AppendLine();
        md.AppendLine("## Table 1 in miniature: test accuracy (mean ± sd over seeds)");
        md.AppendLine();
        md.AppendLine("| variant | prompt | all | easy | medium | hard | think rate | consistency | invalid |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| warm-up (no GRPO) | adaptive | {P(result.WarmUp.Accuracy())} | {string.Join(" | ", Levels.Select(l => P(result.WarmUp.Accuracy(l))))} | {P(result.WarmUp.ThinkRate())} | {P(result.WarmUp.ConsistencyRate())} | {P(result.WarmUp.InvalidRate)} |");
        foreach (var v in result.Variants)
        {
            var runs = result.Runs.Where(r => r.Variant == v.Name).ToList();
            if (runs.Count == 0)
            {
                continue;
            }
            string S(Func<EvaluationSummary, double> f) => PS(Stat(runs.Select(r => f(r.Summary))));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {(v.Label.Length > 0 ? v.Label : v.Name)} | {v.Prompt} | {S(s => s.Accuracy())} | {string.Join(" | ", Levels.Select(l => S(s => s.Accuracy(l))))} | {S(s => s.ThinkRate())} | {S(s => s.ConsistencyRate())} | {S(s => s.InvalidRate)} |");
        }
        if (result.WarmUpByPrompt is { Count: > 0 } probes && probes.TryGetValue("think", out var think) && probes.TryGetValue("direct", out var direct))
        {
            md.AppendLine();
            md.AppendLine("## Does thinking help the warm-up model? (greedy, same checkpoint, by prompt)");
            md.AppendLine();
            md.AppendLine("| prompt | all | easy | medium | hard |");
            md.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var (name, summary) in new[] { ("think", think), ("direct", direct) })
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {P(summary.Accuracy())} | {string.Join(" | ", Levels.Select(l => P(summary.Accuracy(l))))} |");
            }
            md.AppendLine();
            md.AppendLine("Once the soft penalties have annealed, ATAR pays thinking more than answering directly only where thinking's accuracy " +
                "p_think exceeds 3·p_direct − 1: " + string.Join("; ", Levels.Select(l => AtarVerdict(l, think.Accuracy(l), direct.Accuracy(l)))) + ".");
            AppendRolloutAccuracy(md, result);
        }
        md.AppendLine();
        md.AppendLine("## Fig. 2 in miniature: no-think rate by difficulty");
        md.AppendLine();
        md.AppendLine("| variant | easy | medium | hard |");
        md.AppendLine("| --- | --- | --- | --- |");
        foreach (var v in result.Variants)
        {
            var runs = result.Runs.Where(r => r.Variant == v.Name).ToList();
            if (runs.Count > 0)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {(v.Label.Length > 0 ? v.Label : v.Name)} | {string.Join(" | ", Levels.Select(l => PS(Stat(runs.Select(r => r.Summary.NoThinkRate(l))))))} |");
            }
        }
        md.AppendLine();
        md.AppendLine("![no-think rate by difficulty](fig2_no_think_by_difficulty.png)");
        md.AppendLine();
        md.AppendLine("## Findings");
        md.AppendLine();
        foreach (var f in findings)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- **{(f.Holds ? "holds" : "does not hold")}** — {f.Claim} {f.Evidence}.");
        }
        md.AppendLine();
        md.AppendLine("## Training curves (mean over seeds)");
        md.AppendLine();
        md.AppendLine("![training curves](training_curves.png)");
        md.AppendLine();
        md.AppendLine("Per-run metrics, plots, samples, checkpoints and predictions are in each `VARIANT/seed-N/` folder.");
        var path = Path.Combine(dir, "report.md");
        File.WriteAllText(path, md.ToString());

        var json = new
        {
            profile = result.Profile,
            wall_seconds = result.Wall.TotalSeconds,
            warmup = Figures(result.WarmUp),
            warmup_by_prompt = result.WarmUpByPrompt?.ToDictionary(kv => kv.Key, kv => Figures(kv.Value)),
            runs = result.Runs.Select(r => new { variant = r.Variant, seed = r.Seed, figures = Figures(r.Summary) }),
            findings = findings.Select(f => new { claim = f.Claim, holds = f.Holds, evidence = f.Evidence }),
        };
        File.WriteAllText(Path.Combine(dir, "results.json"), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private static Dictionary<string, double> Figures(EvaluationSummary s)
    {
        var d = new Dictionary<string, double>
        {
            ["accuracy"] = s.Accuracy(),
            ["think_rate"] = s.ThinkRate(),
            ["consistency"] = s.ConsistencyRate(),
            ["invalid"] = s.InvalidRate,
        };
        foreach (var l in Levels)
        {
            d[$"accuracy/{Name(l)}"] = s.Accuracy(l);
            d[$"no_think_rate/{Name(l)}"] = s.NoThinkRate(l);
        }
        return d.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4));
    }

    private static void DrawNoThink(QuickstartResult result, string path)
    {
        var plot = new ScottPlot.Plot();
        plot.Title("No-think rate by difficulty (test set)");
        plot.YLabel("no-think rate");
        var palette = new ScottPlot.Palettes.Category10();
        var variants = result.Variants.Where(v => result.Runs.Any(r => r.Variant == v.Name)).ToList();
        var width = 0.8 / Math.Max(1, variants.Count);
        for (var vi = 0; vi < variants.Count; vi++)
        {
            var runs = result.Runs.Where(r => r.Variant == variants[vi].Name).ToList();
            var bars = new List<ScottPlot.Bar>();
            for (var li = 0; li < Levels.Length; li++)
            {
                var (mean, sd) = Stat(runs.Select(r => r.Summary.NoThinkRate(Levels[li])));
                bars.Add(new ScottPlot.Bar
                {
                    Position = li + (vi - (variants.Count - 1) / 2.0) * width,
                    Value = double.IsFinite(mean) ? mean : 0,
                    Error = double.IsFinite(sd) ? sd : 0,
                    Size = width * 0.9,
                    FillColor = palette.GetColor(vi),
                });
            }
            var series = plot.Add.Bars(bars);
            series.LegendText = variants[vi].Label.Length > 0 ? variants[vi].Label : variants[vi].Name;
        }
        plot.Axes.Bottom.SetTicks([0, 1, 2], ["easy", "medium", "hard"]);
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(ScottPlot.Edge.Bottom); // below the axes, where it cannot hide a bar
        plot.SavePng(path, 900, 600);
    }

    private static void DrawCurves(QuickstartResult result, string path)
    {
        var plot = new ScottPlot.Plot();
        plot.Title("GRPO: think rate on training rollouts (mean over seeds)");
        plot.XLabel("step");
        plot.YLabel("think rate");
        foreach (var v in result.Variants)
        {
            var runs = result.Runs.Where(r => r.Variant == v.Name).ToList();
            if (runs.Count == 0)
            {
                continue;
            }
            var steps = runs.SelectMany(r => r.Metrics.Select(m => m.Step)).Distinct().Order().ToArray();
            var ys = steps.Select(s => Stat(runs.Select(r => r.Metrics.FirstOrDefault(m => m.Step == s)?.Values.GetValueOrDefault("think_rate", double.NaN) ?? double.NaN)).Mean).ToArray();
            var line = plot.Add.Scatter(steps.Select(s => (double)s).ToArray(), ys);
            line.LegendText = v.Label.Length > 0 ? v.Label : v.Name;
            line.MarkerSize = 0;
        }
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }

    // GRPO sees sampled rollouts (temperature > 0), not greedy answers: a sampled direct guess on a two-way question is
    // right half the time however badly the model knows it, which moves the ATAR threshold. Mean over the steps of the
    // adaptive-prompt variants, where a level and mode occurred.
    private static void AppendRolloutAccuracy(StringBuilder md, QuickstartResult result)
    {
        var adaptive = result.Variants.Where(v => v.Prompt == "adaptive").Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var steps = result.Runs.Where(r => adaptive.Contains(r.Variant)).SelectMany(r => r.Metrics).Where(m => m.Phase == "grpo").ToList();
        double? Mean(string key)
        {
            var values = steps.Where(m => m.Values.ContainsKey(key)).Select(m => m.Values[key]).ToList();
            return values.Count == 0 ? null : values.Average();
        }
        if (Mean("accuracy/think") is null && Mean("accuracy/no_think") is null)
        {
            return;
        }
        string Cell(double? x) => x is null ? "–" : P(x.Value);
        md.AppendLine();
        md.AppendLine("The same check on what GRPO actually sees, the adaptive variants' training rollouts (sampled; accuracy of each mode, mean over steps):");
        md.AppendLine();
        md.AppendLine("| rollouts | all | easy | medium | hard |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var (label, mode) in new[] { ("think", "think"), ("no-think", "no_think") })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {label} | {Cell(Mean($"accuracy/{mode}"))} | {string.Join(" | ", Levels.Select(l => Cell(Mean($"accuracy/{mode}/{Name(l)}"))))} |");
        }
        md.AppendLine();
        md.AppendLine("By the same rule: " + string.Join("; ", Levels.Select(l =>
        {
            var (pt, pn) = (Mean($"accuracy/think/{Name(l)}"), Mean($"accuracy/no_think/{Name(l)}"));
            return pt is null || pn is null
                ? $"{Name(l)} not sampled in both modes"
                : AtarVerdict(l, pt.Value, pn.Value);
        })) + ".");
    }

    // ATAR's base values (no-think right +2, wrong −1; think right +1, wrong 0), which the soft penalties anneal to, pay
    // thinking more than answering directly only where p_think > 3·p_direct − 1.
    private static string AtarVerdict(Difficulty level, double pThink, double pDirect) =>
        string.Create(CultureInfo.InvariantCulture, $"{Name(level)} {pThink:F2} vs {3 * pDirect - 1:F2} ({(pThink > 3 * pDirect - 1 ? "thinking pays" : "answering pays")})");

    private static string Name(Difficulty d) => d.ToString().ToLowerInvariant();

    private static string F(double x) => double.IsFinite(x) ? x.ToString("F2", CultureInfo.InvariantCulture) : "n/a";

    private static string P(double x) => double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

    private static string PS((double Mean, double Sd) s) => double.IsFinite(s.Mean) ? $"{100 * s.Mean:F1} ± {100 * s.Sd:F1}" : "n/a";
}
