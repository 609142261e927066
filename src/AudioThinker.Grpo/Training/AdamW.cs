using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AudioThinker.Grpo.Training;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter) with its state held in plain, named tensors so a checkpoint can save and restore it
/// exactly (the moments, the step count and the learning rate of the last step).
/// </summary>
public sealed class AdamW : IDisposable
{
    private readonly List<(string Name, Parameter Param)> _params;
    private readonly Dictionary<string, (Tensor M, Tensor V)> _state = new(StringComparer.Ordinal);

    /// <summary>Creates the optimizer over the named trainable parameters.</summary>
    public AdamW(IEnumerable<(string Name, Parameter Param)> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.0)
    {
        _params = parameters.Where(p => p.Param.requires_grad).ToList();
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>The parameters it updates.</summary>
    public IReadOnlyList<(string Name, Parameter Param)> Parameters => _params;

    /// <summary>Clears every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var (_, p) in _params)
        {
            p.grad?.zero_();
        }
    }

    /// <summary>Clips the global gradient norm to <paramref name="maxNorm"/> (when positive) and returns the norm before clipping.</summary>
    public double ClipGradNorm(double maxNorm)
    {
        using var scope = torch.NewDisposeScope();
        var grads = _params.Select(p => p.Param.grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0)
        {
            return 0;
        }
        var total = torch.stack(grads.Select(g => g.detach().to_type(ScalarType.Float32).pow(2).sum()).ToArray()).sum().sqrt().item<float>();
        if (maxNorm > 0 && total > maxNorm)
        {
            var scale = maxNorm / (total + 1e-6);
            foreach (var g in grads)
            {
                g.mul_(scale);
            }
        }
        return total;
    }

    /// <summary>One update at learning rate <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        Steps++;
        var bias1 = 1 - Math.Pow(Beta1, Steps);
        var bias2 = 1 - Math.Pow(Beta2, Steps);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in _params)
        {
            var g = p.grad;
            if (g is null)
            {
                continue;
            }
            if (!_state.TryGetValue(name, out var s))
            {
                s = (torch.zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope(), torch.zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope());
                _state[name] = s;
            }
            using var scope = torch.NewDisposeScope();
            var g32 = g.to_type(ScalarType.Float32);
            s.M.mul_(Beta1).add_(g32, alpha: 1 - Beta1);
            s.V.mul_(Beta2).addcmul_(g32, g32, value: 1 - Beta2);
            if (WeightDecay > 0)
            {
                p.mul_(1 - learningRate * WeightDecay);
            }
            var denom = (s.V / bias2).sqrt_().add_(Epsilon);
            var update = (s.M / bias1) / denom * learningRate;
            p.sub_(update.to_type(p.dtype));
        }
    }

    /// <summary>The state as named tensors (CPU copies) for a checkpoint.</summary>
    public IEnumerable<(string Name, Tensor Value)> StateTensors()
    {
        foreach (var (name, (m, v)) in _state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return ("exp_avg." + name, m);
            yield return ("exp_avg_sq." + name, v);
        }
    }

    /// <summary>Restores the moments and the step count.</summary>
    public void LoadState(long steps, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Steps = steps;
        foreach (var (name, p) in _params)
        {
            if (tensors.TryGetValue("exp_avg." + name, out var m) && tensors.TryGetValue("exp_avg_sq." + name, out var v))
            {
                _state[name] = (m.to(p.device).to_type(ScalarType.Float32).DetachFromDisposeScope(), v.to(p.device).to_type(ScalarType.Float32).DetachFromDisposeScope());
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (m, v) in _state.Values)
        {
            m.Dispose();
            v.Dispose();
        }
        _state.Clear();
    }
}
