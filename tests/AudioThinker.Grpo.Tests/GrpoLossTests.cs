using AudioThinker.Grpo.Training;
using AudioThinker.Policies.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Tests;

public class GrpoLossTests
{
    public GrpoLossTests() => TorchRuntime.Initialize();

    private static GrpoLossOptions Options(double beta = 0, LossAggregation agg = LossAggregation.Grpo, int maxLen = 4) =>
        new(EpsilonLow: 0.2, EpsilonHigh: 0.2, Beta: beta, Aggregation: agg, MaxCompletionLength: maxLen);

    [Fact]
    public void OnPolicyLossIsMinusMeanAdvantageAndGradientIsAdvantage()
    {
        // At the sampling policy, ratio = 1: loss = −mean_i(Â_i), d loss / d logπ_t = −Â_i / |o_i| (GRPO aggregation).
        var logp = torch.tensor(new float[] { -1, -2, -0.5f, -1, -3, 0 }, requires_grad: true).reshape(2, 3);
        logp.retain_grad();
        var old = logp.detach().clone();
        var adv = torch.tensor(new float[] { 1.5f, -0.5f });
        var mask = torch.tensor(new float[] { 1, 1, 1, 1, 1, 0 }).reshape(2, 3);
        var r = GrpoLoss.Compute(logp, old, null, adv, mask, Options());
        Assert.Equal(-(1.5 - 0.5) / 2, r.Loss.item<float>(), 5);
        r.Loss.backward();
        var g = logp.grad!.data<float>().ToArray();
        Assert.Equal(-1.5 / 3 / 2, g[0], 5);
        Assert.Equal(0.5 / 2 / 2, g[3], 5);
        Assert.Equal(0, g[5], 6); // masked token gets no gradient
        Assert.Equal(5, r.TokenCount);
        Assert.Equal(0, r.ClipRatio);
    }

    [Fact]
    public void RatioIsClippedOnTheSideTheAdvantagePushes()
    {
        // ratio e^0.5 ≈ 1.65 > 1.2 with positive advantage: clipped, no gradient; with negative advantage: not clipped.
        var logp = torch.tensor(new float[] { 0.5f, 0.5f }, requires_grad: true).reshape(2, 1);
        logp.retain_grad();
        var old = torch.zeros(2, 1);
        var adv = torch.tensor(new float[] { 1, -1 });
        var mask = torch.ones(2, 1);
        var r = GrpoLoss.Compute(logp, old, null, adv, mask, Options());
        var expected = (-(1.2 * 1) + Math.Exp(0.5)) / 2;
        Assert.Equal(expected, r.Loss.item<float>(), 4);
        r.Loss.backward();
        var g = logp.grad!.data<float>().ToArray();
        Assert.Equal(0, g[0], 6);
        Assert.Equal(Math.Exp(0.5) / 2, g[1], 4);
        Assert.Equal(0.5, r.ClipRatio, 6);
    }

    [Fact]
    public void K3KlIsZeroAtTheReferenceAndPositiveAway()
    {
        var logp = torch.tensor(new float[] { -1, -2 }).reshape(1, 2);
        var mask = torch.ones(1, 2);
        var adv = torch.zeros(1);
        var same = GrpoLoss.Compute(logp, logp, logp, adv, mask, Options(beta: 0.04));
        Assert.Equal(0, same.MeanKl, 6);
        var reference = torch.tensor(new float[] { -1.5f, -1 }).reshape(1, 2);
        var away = GrpoLoss.Compute(logp, logp, reference, adv, mask, Options(beta: 0.04));
        double K3(double d) => Math.Exp(d) - d - 1;
        var kl = (K3(-0.5) + K3(1)) / 2;
        Assert.Equal(kl, away.MeanKl, 5);
        Assert.Equal(0.04 * kl, away.Loss.item<float>(), 5);
    }

    [Fact]
    public void AggregationsWeighTokensAsDocumented()
    {
        // Two sequences of 1 and 3 tokens; per-token loss −Â with Â = 1 for both.
        var logp = torch.zeros(2, 3);
        var adv = torch.ones(2);
        var mask = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }).reshape(2, 3);
        Assert.Equal(-1, GrpoLoss.Compute(logp, logp, null, adv, mask, Options(agg: LossAggregation.Grpo)).Loss.item<float>(), 5);
        Assert.Equal(-1, GrpoLoss.Compute(logp, logp, null, adv, mask, Options(agg: LossAggregation.Dapo)).Loss.item<float>(), 5);
        Assert.Equal(-4.0 / (2 * 4), GrpoLoss.Compute(logp, logp, null, adv, mask, Options(agg: LossAggregation.DrGrpo, maxLen: 4)).Loss.item<float>(), 5);
        // Different advantages expose the weighting: GRPO averages sequences, DAPO averages tokens.
        var adv2 = torch.tensor(new float[] { 1, -1 });
        Assert.Equal(0, GrpoLoss.Compute(logp, logp, null, adv2, mask, Options(agg: LossAggregation.Grpo)).Loss.item<float>(), 5);
        Assert.Equal((-1 + 3) / 4.0, GrpoLoss.Compute(logp, logp, null, adv2, mask, Options(agg: LossAggregation.Dapo)).Loss.item<float>(), 5);
    }

    [Theory]
    [InlineData(LossAggregation.Grpo)]
    [InlineData(LossAggregation.Dapo)]
    [InlineData(LossAggregation.DrGrpo)]
    public void TokenWeightsGiveTheLossGradientOnTheThinkDecision(LossAggregation aggregation)
    {
        // Each row's first token is the think decision, log σ(z) when the row thinks and log(1 − σ(z)) when not; the rest
        // are constants. The trainer's think_push, Σ_i w_i·Â_i·(1[thinks] − p), must be −d loss / d z.
        var thinks = new[] { true, false, true, false, false };
        var lengths = new[] { 4, 2, 3, 1, 2 };
        var advantages = new float[] { 1.2f, -0.7f, 0.4f, 0.9f, -1.8f };
        var z = torch.tensor(0.3f, requires_grad: true);
        var p = 1 / (1 + Math.Exp(-0.3));
        var rows = new List<Tensor>();
        var maskRows = new List<float>();
        for (var i = 0; i < thinks.Length; i++)
        {
            var decision = thinks[i] ? torch.nn.functional.logsigmoid(z) : torch.nn.functional.logsigmoid(-z);
            rows.Add(torch.cat([decision.reshape(1), torch.full(3, -0.5f)]));
            maskRows.AddRange(Enumerable.Range(0, 4).Select(t => t < lengths[i] ? 1f : 0f));
        }
        var logp = torch.stack(rows);
        var mask = torch.tensor(maskRows.ToArray()).reshape(thinks.Length, 4);
        var loss = GrpoLoss.Compute(logp, logp.detach(), null, torch.tensor(advantages), mask, Options(agg: aggregation, maxLen: 6)).Loss;
        loss.backward();

        var weights = GrpoLoss.TokenWeights(lengths, aggregation, maxCompletionLength: 6);
        var push = Enumerable.Range(0, thinks.Length).Sum(i => weights[i] * advantages[i] * ((thinks[i] ? 1 : 0) - p));
        Assert.Equal(-z.grad!.item<float>(), push, 5);
        Assert.NotEqual(0, push, 3);
    }
}

public class OptimizerAndScheduleTests
{
    public OptimizerAndScheduleTests() => TorchRuntime.Initialize();

    [Fact]
    public void AdamWMatchesTheClosedFormFirstStep()
    {
        // First step of Adam moves each weight by lr·sign(g) (bias-corrected m/√v = g/|g|), then decay.
        var p = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1, -2 }));
        using var opt = new AdamW([("w", p)], weightDecay: 0.1);
        (p * torch.tensor(new float[] { 3, -0.5f })).sum().backward();
        opt.Step(0.01);
        var w = p.data<float>().ToArray();
        Assert.Equal(1 * (1 - 0.001) - 0.01, w[0], 5);
        Assert.Equal(-2 * (1 - 0.001) + 0.01, w[1], 5);
        Assert.Equal(1, opt.Steps);
    }

    [Fact]
    public void AdamWStateRoundTripsExactly()
    {
        static (TorchSharp.Modules.Parameter P, AdamW Opt) Make()
        {
            var p = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 0.3f, 0.7f, -1 }));
            return (p, new AdamW([("w", p)]));
        }
        void Step(TorchSharp.Modules.Parameter p, AdamW opt, float k)
        {
            opt.ZeroGrad();
            (p * p * k).sum().backward();
            opt.Step(0.05);
        }
        var (a, optA) = Make();
        for (var i = 0; i < 4; i++)
        {
            Step(a, optA, i + 1);
        }
        var (b, optB) = Make();
        Step(b, optB, 1);
        Step(b, optB, 2);
        var saved = optB.StateTensors().ToDictionary(t => t.Name, t => t.Value.clone());
        var weights = b.detach().clone();
        var (c, optC) = Make();
        using (torch.no_grad())
        {
            c.copy_(weights);
        }
        optC.LoadState(optB.Steps, saved);
        Step(c, optC, 3);
        Step(c, optC, 4);
        Assert.Equal(a.data<float>().ToArray(), c.data<float>().ToArray());
    }

    [Fact]
    public void GradientClippingScalesToTheMaxNorm()
    {
        var p = new TorchSharp.Modules.Parameter(torch.zeros(2));
        using var opt = new AdamW([("w", p)]);
        (p * torch.tensor(new float[] { 3, 4 })).sum().backward();
        Assert.Equal(5, opt.ClipGradNorm(1.0), 4);
        var g = p.grad!.data<float>().ToArray();
        Assert.Equal(0.6, g[0], 4);
        Assert.Equal(0.8, g[1], 4);
    }

    [Theory]
    [InlineData(ScheduleKind.Constant, 0, 0.25)]
    [InlineData(ScheduleKind.Constant, 3, 1.0)]
    [InlineData(ScheduleKind.Constant, 50, 1.0)]
    [InlineData(ScheduleKind.Linear, 4, 1.0)]
    [InlineData(ScheduleKind.Linear, 9, 0.0)]
    [InlineData(ScheduleKind.Cosine, 4, 1.0)]
    [InlineData(ScheduleKind.Cosine, 9, 0.0)]
    public void ScheduleWarmsUpThenDecays(ScheduleKind kind, int step, double expected)
    {
        var s = new LearningRateSchedule(1.0, WarmupSteps: 4, TotalSteps: 10, kind);
        Assert.Equal(expected, s.At(step), 6);
    }
}
