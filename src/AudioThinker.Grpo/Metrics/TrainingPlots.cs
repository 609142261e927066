namespace AudioThinker.Grpo.Metrics;

/// <summary>Draws training curves from a metrics log as PNG files (ScottPlot).</summary>
public static class TrainingPlots
{
    /// <summary>The charts drawn: file name, title, and the metric names (prefix match with a trailing '*').</summary>
    public static readonly IReadOnlyList<(string File, string Title, string[] Metrics)> Charts =
    [
        ("reward_total.png", "Total reward (mean)", ["reward/total/mean"]),
        ("reward_components.png", "Reward components (mean)", ["reward/*/mean"]),
        ("think_rate.png", "Think rate", ["think_rate", "think_rate/*"]),
        ("think_prob.png", "P(<think>) at the decision", ["think_prob", "think_prob/*"]),
        ("think_push.png", "Policy-gradient push on the think decision", ["think_push/*"]),
        ("accuracy.png", "Accuracy", ["accuracy", "accuracy/*"]),
        ("completion_length.png", "Completion length (tokens)", ["length/*"]),
        ("kl_clip.png", "KL and clip ratio", ["kl", "clip_ratio"]),
        ("entropy_gradnorm.png", "Entropy and gradient norm", ["entropy", "grad_norm"]),
        ("learning_rate.png", "Learning rate", ["lr"]),
        ("zero_variance.png", "Share of zero-variance groups", ["zero_variance_groups"]),
        ("throughput.png", "Tokens per second", ["rollout_tokens_per_s", "train_tokens_per_s"]),
        ("step_time.png", "Step time (s)", ["step_time_s"]),
        ("sft_loss.png", "Supervised warm-up loss", ["sft/loss"]),
    ];

    /// <summary>Writes every chart that has data into <paramref name="folder"/>; returns the files written.</summary>
    public static List<string> Draw(IReadOnlyList<StepMetrics> metrics, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        foreach (var (file, title, patterns) in Charts)
        {
            var names = metrics.SelectMany(m => m.Values.Keys).Distinct().Where(n => patterns.Any(p => Matches(p, n)))
                .Where(n => !(title.StartsWith("Reward components", StringComparison.Ordinal) && n == "reward/total/mean"))
                .Order(StringComparer.Ordinal).ToList();
            if (names.Count == 0)
            {
                continue;
            }
            var plot = new ScottPlot.Plot();
            plot.Title(title);
            plot.XLabel("step");
            foreach (var name in names)
            {
                var points = metrics.Where(m => m.Values.TryGetValue(name, out var v) && double.IsFinite(v))
                    .Select(m => (X: (double)m.Step, Y: m.Values[name])).ToArray();
                if (points.Length == 0)
                {
                    continue;
                }
                var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
                line.LegendText = name;
                line.MarkerSize = points.Length > 60 ? 0 : 4;
            }
            plot.ShowLegend();
            var path = Path.Combine(folder, file);
            plot.SavePng(path, 900, 500);
            written.Add(path);
        }
        return written;
    }

    private static bool Matches(string pattern, string name)
    {
        if (!pattern.Contains('*', StringComparison.Ordinal))
        {
            return pattern == name;
        }
        var parts = pattern.Split('*');
        return name.StartsWith(parts[0], StringComparison.Ordinal) && name.EndsWith(parts[1], StringComparison.Ordinal) && name.Length >= parts[0].Length + parts[1].Length;
    }
}
