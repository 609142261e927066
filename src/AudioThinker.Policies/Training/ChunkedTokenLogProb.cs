using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Training;

/// <summary>
/// <c>log softmax(h Wᵀ / T)[target]</c> for N hidden states against a V-row output head, computed a chunk of rows at
/// a time in both passes: the forward keeps only the N log-sum-exps, and the backward recomputes each chunk's logits to
/// form <c>∂/∂logits = (onehot(target) − softmax) · g / T</c>. At most chunk × V float32 logits exist at once, instead of
/// N × V kept for autograd (N = batch × completion; with Qwen's 152k vocabulary that is the memory peak of a step).
/// </summary>
/// <remarks>The matmuls run in the weight's dtype, as the model's own head does; softmax arithmetic is float32.</remarks>
public sealed class ChunkedTokenLogProb : torch.autograd.SingleTensorFunction<ChunkedTokenLogProb>
{
    /// <inheritdoc />
    public override string Name => nameof(ChunkedTokenLogProb);

    /// <summary>Log-probabilities [N] (float32) of <paramref name="targets"/> [N] under hidden states [N, H] and head weight [V, H].</summary>
    public static Tensor Compute(Tensor hidden, Tensor weight, Tensor targets, double temperature, int chunkRows)
    {
        if (hidden.dim() != 2 || weight.dim() != 2 || hidden.shape[1] != weight.shape[1])
        {
            throw new ArgumentException($"hidden [{string.Join(", ", hidden.shape)}] and weight [{string.Join(", ", weight.shape)}] must be [N, H] and [V, H]");
        }
        if (targets.dim() != 1 || targets.shape[0] != hidden.shape[0])
        {
            throw new ArgumentException($"targets [{string.Join(", ", targets.shape)}] must be [{hidden.shape[0]}]");
        }
        if (!(temperature > 0) || !double.IsFinite(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkRows);
        return apply(hidden, weight, targets, temperature, chunkRows);
    }

    private static Tensor ChunkLogits(Tensor hiddenChunk, Tensor weight, double temperature)
    {
        var logits = nn.functional.linear(hiddenChunk.to_type(weight.dtype), weight).to_type(ScalarType.Float32);
        return temperature == 1.0 ? logits : logits / temperature;
    }

    /// <inheritdoc />
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var hidden = (Tensor)vars[0];
        var weight = (Tensor)vars[1];
        var targets = (Tensor)vars[2];
        var temperature = (double)vars[3];
        var chunk = (int)vars[4];
        var rows = hidden.shape[0];
        var output = torch.empty(rows, ScalarType.Float32, hidden.device);
        var lse = torch.empty(rows, ScalarType.Float32, hidden.device);
        for (long start = 0; start < rows; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            var n = Math.Min(chunk, rows - start);
            var logits = ChunkLogits(hidden.narrow(0, start, n), weight, temperature);
            var chunkLse = logits.logsumexp(-1);
            var picked = logits.gather(1, targets.narrow(0, start, n).unsqueeze(1)).squeeze(1);
            output.narrow(0, start, n).copy_(picked - chunkLse);
            lse.narrow(0, start, n).copy_(chunkLse);
        }
        ctx.save_for_backward([hidden, weight, targets, lse]);
        ctx.save_data("temperature", temperature);
        ctx.save_data("chunk", chunk);
        return output;
    }

    /// <inheritdoc />
    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var (hidden, weight, targets, lse) = (saved[0], saved[1], saved[2], saved[3]);
        var temperature = (double)ctx.get_data("temperature");
        var chunk = (int)ctx.get_data("chunk");
        var rows = hidden.shape[0];
        var gradHidden = hidden.requires_grad ? torch.zeros_like(hidden) : null;
        var gradWeight = weight.requires_grad ? torch.zeros(weight.shape, ScalarType.Float32, weight.device) : null;
        using (torch.no_grad())
        {
            for (long start = 0; start < rows; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                var n = Math.Min(chunk, rows - start);
                var h = hidden.narrow(0, start, n);
                var g = gradOutput.narrow(0, start, n).to_type(ScalarType.Float32).unsqueeze(1);
                var probs = (ChunkLogits(h, weight, temperature) - lse.narrow(0, start, n).unsqueeze(1)).exp();
                // d(logit_target − lse)/dlogits = onehot(target) − softmax.
                var dLogits = (-probs * g).scatter_add(1, targets.narrow(0, start, n).unsqueeze(1), g);
                if (temperature != 1.0)
                {
                    dLogits = dLogits / temperature;
                }
                var d = dLogits.to_type(weight.dtype);
                gradHidden?.narrow(0, start, n).copy_(d.matmul(weight).to_type(hidden.dtype));
                gradWeight?.add_(d.t().matmul(h.to_type(weight.dtype)).to_type(ScalarType.Float32));
            }
        }
        return [gradHidden!, gradWeight?.to_type(weight.dtype)!, null!, null!, null!];
    }
}
