using AudioThinker.Abstractions;
using AudioThinker.Policies.Audio;
using AudioThinker.Policies.Models;
using AudioThinker.Policies.Presets;
using AudioThinker.Policies.Prompts;
using AudioThinker.Policies.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace AudioThinker.Policies.Tests;

/// <summary>The <c>tiny</c> preset with a compact tokenizer built from a handful of audio questions.</summary>
internal static class TinyModels
{
    public static readonly AudioQuestion[] Questions =
    [
        new("q1", new AudioReference("a.wav"), "How many beeps are there?", ["2", "3", "4"], "3") { ReferenceReasoning = "I count three beeps." },
        new("q2", new AudioReference("b.wav"), "Is the second tone higher than the first?", ["yes", "no"], "yes")
        {
            ReferenceReasoning = "The first tone is low and the second is high, so the second is higher.",
        },
        new("q3", new AudioReference("c.wav"), "Which instrument plays?", ["piano", "violin", "drum"], "drum"),
    ];

    private static readonly Lazy<CompactTokenizer> TokenizerLazy = new(() => CompactTokenizer.Build(PromptCorpus.Texts(Questions)));

    public static CompactTokenizer Tokenizer => TokenizerLazy.Value;

    public static Qwen2AudioForConditionalGeneration Create(long seed = 0)
    {
        TorchSetup.Ensure();
        var model = ModelPresets.CreateQwen2Audio("tiny", Tokenizer, seed);
        model.eval();
        return model;
    }

    /// <summary>Text-only prompts of different lengths.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> TextPrompts() =>
    [
        Tokenizer.Encode("<|im_start|>user\nHow many beeps are there?<|im_end|>\n<|im_start|>assistant\n"),
        Tokenizer.Encode("<|im_start|>user\nWhich instrument plays?<|im_end|>\n<|im_start|>assistant\n<think>"),
        Tokenizer.Encode("Is the second tone higher"),
    ];

    /// <summary>Random log-mel-like features for <paramref name="validFrames"/> real frames of each clip, and their mask.</summary>
    public static AudioInput RandomAudio(Qwen2AudioForConditionalGeneration model, params int[] validFrames)
    {
        TorchSetup.Ensure();
        var frames = model.Config.Audio.InputFrames;
        using var generator = new Generator(42, torch.CPU);
        var features = torch.randn([validFrames.Length, model.Config.Audio.NumMelBins, frames], generator: generator) * 0.5;
        var mask = torch.zeros([validFrames.Length, frames], ScalarType.Int64);
        for (var i = 0; i < validFrames.Length; i++)
        {
            mask[i].narrow(0, 0, validFrames[i]).fill_(1);
        }
        return new AudioInput(features.DetachFromDisposeScope(), mask.DetachFromDisposeScope());
    }
}
