using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Training;

/// <summary>
/// Gradient checkpointing of one block (Chen et al. 2016, PyTorch's reentrant <c>torch.utils.checkpoint</c>): the
/// forward runs without recording a graph and keeps only the block's input; the backward runs the block again with
/// grad on and back-propagates through that fresh graph, which accumulates the block's parameter gradients and
/// returns the input's. Activation memory drops from every intermediate of every layer to one hidden state per layer,
/// for about one extra forward per step.
/// </summary>
/// <remarks>
/// The random state is saved before the forward and restored for the replay (PyTorch's <c>preserve_rng_state</c>), so
/// dropout draws the same masks twice: the process-wide CPU generator's and that of every generator passed to
/// <see cref="Run"/> (LoRA's dropout generators, on whatever device). Blocks should draw from their own generators:
/// another thread drawing from the process-wide one between forward and replay changes what the replay draws.
/// </remarks>
public sealed class GradientCheckpoint : torch.autograd.SingleTensorFunction<GradientCheckpoint>
{
    /// <inheritdoc />
    public override string Name => nameof(GradientCheckpoint);

    /// <summary>Runs <paramref name="block"/> on <paramref name="input"/> under checkpointing. Tensors the block closes over
    /// (masks, RoPE angles) are treated as constants; parameters still receive gradients.</summary>
    /// <param name="block">The computation to checkpoint.</param>
    /// <param name="input">Its input.</param>
    /// <param name="generators">Generators the block draws from, replayed from their state at the forward.</param>
    public static Tensor Run(Func<Tensor, Tensor> block, Tensor input, IReadOnlyList<Generator>? generators = null)
    {
        // With no input requiring grad the node would not be recorded and the block's parameters (LoRA's, when the
        // embeddings are frozen) would never see a gradient.
        var x = input.requires_grad ? input : input.detach().requires_grad_(true);
        return apply(x, block, generators ?? []);
    }

    /// <inheritdoc />
    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var block = (Func<Tensor, Tensor>)vars[1];
        var generators = (IReadOnlyList<Generator>)vars[2];
        ctx.save_for_backward([input]);
        ctx.save_data("block", block);
        ctx.save_data("generators", generators);
        using (var state = torch.get_rng_state())
        {
            ctx.save_data("rng", state.data<byte>().ToArray());
        }
        ctx.save_data("states", generators.Select(Snapshot).ToList());
        return block(input);
    }

    // As bytes, so the state outlives the dispose scopes between forward and backward.
    private static byte[] Snapshot(Generator generator)
    {
        using var state = generator.get_state();
        return state.cpu().data<byte>().ToArray();
    }

    /// <inheritdoc />
    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var input = ctx.get_saved_variables()[0];
        var block = (Func<Tensor, Tensor>)ctx.get_data("block");
        var rng = (byte[])ctx.get_data("rng");
        var generators = (IReadOnlyList<Generator>)ctx.get_data("generators");
        var states = (List<byte[]>)ctx.get_data("states");
        using var scope = torch.NewDisposeScope();
        var current = torch.get_rng_state();
        var currents = generators.Select(g => g.get_state()).ToList();
        torch.set_rng_state(torch.tensor(rng, ScalarType.Byte));
        for (var i = 0; i < generators.Count; i++)
        {
            generators[i].set_state(torch.tensor(states[i], ScalarType.Byte));
        }
        try
        {
            using var grad = torch.enable_grad();
            var replay = input.detach().requires_grad_(true);
            var output = block(replay);
            torch.autograd.backward([output], [gradOutput]);
            return [replay.grad?.MoveToOuterDisposeScope()!, null!, null!];
        }
        finally
        {
            torch.set_rng_state(current);
            for (var i = 0; i < generators.Count; i++)
            {
                generators[i].set_state(currents[i]);
            }
        }
    }
}
