using AudioThinker.Data.Features;
using AudioThinker.Data.IO;

namespace AudioThinker.Data.Tests.Features;

/// <summary>Parity with Hugging Face WhisperFeatureExtractor on the reference fixtures (see Fixtures/README.md).</summary>
public class WhisperParityTests
{
    private static readonly Lazy<SafeTensors> Reference = new(() => SafeTensors.Load(Fixture.Path("whisper_features.safetensors")));

    public static TheoryData<string, int> Cases() => new()
    {
        { "chirp", 80 }, { "beep", 80 }, { "long", 80 },
        { "chirp", 128 }, { "beep", 128 }, { "long", 128 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesHuggingFaceOnValidFramesAndMask(string name, int mels)
    {
        var wave = Reference.Value.GetFloats($"{name}.wave");
        var expected = Reference.Value.GetFloats($"{name}.mel{mels}");
        var expectedMask = Reference.Value.GetLongs($"{name}.mask{mels}");
        var features = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = mels }).Extract(wave);

        Assert.Equal(3000, features.Frames);
        Assert.Equal(mels * 3000, expected.Length);
        Assert.Equal(expectedMask, features.Mask());
        var valid = (int)expectedMask.Sum();
        Assert.Equal(valid, features.ValidFrames);
        var maxDiff = 0.0;
        for (var m = 0; m < mels; m++)
        {
            for (var t = 0; t < valid; t++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(features[m, t] - expected[m * 3000 + t]));
            }
        }
        Assert.True(maxDiff <= 1e-4, $"{name} mel{mels}: max abs diff {maxDiff:E3} on {valid} valid frames");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PaddedFramesMatchToo(string name, int mels)
    {
        // Not required by the parity target, but the padded region is deterministic and must agree as well.
        var wave = Reference.Value.GetFloats($"{name}.wave");
        var expected = Reference.Value.GetFloats($"{name}.mel{mels}");
        var features = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = mels }).Extract(wave);
        var maxDiff = features.Values.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1e-4, $"{name} mel{mels}: max abs diff {maxDiff:E3} over all frames");
    }

    [Fact]
    public void ShortWindowMatchesTheQwen2AudioFixture()
    {
        // qwen2audio_tiny/expected.safetensors: WhisperFeatureExtractor(feature_size=128, chunk_length=2) on the
        // chirp cut to 2 s and on the 0.4 s beep, padded to 32000 samples: [2, 128, 200] and masks [2, 200].
        var expected = SafeTensors.Load(Fixture.Path("qwen2audio_tiny_expected.safetensors"));
        var features = expected.GetFloats("input_features");
        var masks = expected.GetLongs("feature_attention_mask");
        var chirp = Reference.Value.GetFloats("chirp.wave")[..32000];
        var beep = Reference.Value.GetFloats("beep.wave");
        var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 128, ChunkSeconds = 2 });
        var batch = extractor.ExtractBatch([chirp, beep], maxDegreeOfParallelism: 2);

        Assert.Equal([2L, 128, 200], batch.FeatureShape);
        Assert.Equal(masks, batch.Mask);
        Assert.Equal([200, 40], batch.ValidFrames);
        for (var b = 0; b < 2; b++)
        {
            var maxDiff = 0.0;
            for (var m = 0; m < 128; m++)
            {
                for (var t = 0; t < batch.ValidFrames[b]; t++)
                {
                    var i = (b * 128 + m) * 200 + t;
                    maxDiff = Math.Max(maxDiff, Math.Abs(batch.Values[i] - features[i]));
                }
            }
            Assert.True(maxDiff <= 1e-4, $"row {b}: max abs diff {maxDiff:E3}");
        }
    }

    [Fact]
    public void BatchRowsEqualSingleExtractions()
    {
        var waves = new[] { Reference.Value.GetFloats("beep.wave"), Reference.Value.GetFloats("chirp.wave") };
        var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { MelBins = 80, ChunkSeconds = 3 });
        var batch = extractor.ExtractBatch(waves);
        for (var b = 0; b < waves.Length; b++)
        {
            var single = extractor.Extract(waves[b]);
            Assert.Equal(single.Values, batch.Values.AsSpan(b * single.Values.Length, single.Values.Length).ToArray());
            Assert.Equal(single.Mask(), batch.Mask.AsSpan(b * 300, 300).ToArray());
        }
    }

    [Fact]
    public void MelFiltersHaveSlaneyAreaNormalisation()
    {
        // Slaney normalisation makes each triangle's area (in Hz) 1: Σ_k w[m,k]·Δf ≈ 1 away from the edges.
        var bank = new MelFilterBank(80, 201, 16000, 0, 8000);
        for (var m = 10; m < 70; m++)
        {
            var area = Enumerable.Range(0, 201).Sum(k => bank.Weight(m, k)) * 40.0;
            Assert.InRange(area, 0.9, 1.1);
        }
        Assert.Equal(1000.0, MelFilterBank.MelToHz(MelFilterBank.HzToMel(1000.0)), 9);
        Assert.Equal(15.0, MelFilterBank.HzToMel(1000.0), 12);
        Assert.Equal(4000.0, MelFilterBank.MelToHz(MelFilterBank.HzToMel(4000.0)), 9);
    }

    [Fact]
    public void BadWaveformsAreRejectedWithTheIndex()
    {
        var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { ChunkSeconds = 1 });
        var wave = new float[100];
        wave[42] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => extractor.Extract(wave));
        Assert.Contains("sample 42", e.Message);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => extractor.Extract(ReadOnlySpan<float>.Empty)).Message);
        var batchError = Assert.Throws<ArgumentException>(() => extractor.ExtractBatch([new float[10], wave]));
        Assert.Contains("batch row 1", batchError.Message);
        Assert.Contains("ChunkSeconds", Assert.Throws<ArgumentException>(() => new WhisperFeatureExtractor(new WhisperFeatureOptions { ChunkSeconds = 0.01 })).Message);
    }

    [Fact]
    public void SamplesPastTheWindowAreIgnored()
    {
        var extractor = new WhisperFeatureExtractor(new WhisperFeatureOptions { ChunkSeconds = 1 });
        var rng = new Random(3);
        var wave = Enumerable.Range(0, 20000).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var cut = extractor.Extract(wave.AsSpan(0, 16000));
        var full = extractor.Extract(wave);
        Assert.Equal(100, full.ValidFrames);
        // The last frames' reflection reads the cut signal in both cases, so every value is identical.
        Assert.Equal(cut.Values, full.Values);
    }
}
