using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AudioThinker.Policies.Tokenization;
using CsCheck;

namespace AudioThinker.Policies.Tests;

/// <summary>Tokenizer fixtures (Fixtures/ beside the test project, or copied beside the assembly) and the Qwen3 tokenizer, loaded once.</summary>
internal static class TokenizerFixtures
{
    private static readonly Lazy<HfTokenizer> Qwen3Lazy = new(() =>
        HfTokenizer.FromFiles(Path("qwen3_tokenizer.json.gz"), Path("qwen3_tokenizer_config.json")));

    /// <summary>The real Qwen3 tokenizer.</summary>
    public static HfTokenizer Qwen3 => Qwen3Lazy.Value;

    public static string Path(string name)
    {
        var beside = System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        if (File.Exists(beside))
        {
            return beside;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AudioThinker.Policies.Tests.csproj")))
            {
                var path = System.IO.Path.Combine(dir.FullName, "Fixtures", name);
                Assert.True(File.Exists(path), $"fixture {path} is missing");
                return path;
            }
        }
        throw new FileNotFoundException($"fixture {name} not found beside {AppContext.BaseDirectory} or in the test project folder");
    }

    public static string TempDir(string tag)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "audiothinker-tests", $"{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The decompressed Qwen3 tokenizer.json as a mutable tree, for tests that derive variants of it.</summary>
    public static JsonNode Qwen3Json()
    {
        using var gz = new GZipStream(File.OpenRead(Path("qwen3_tokenizer.json.gz")), CompressionMode.Decompress);
        return JsonNode.Parse(gz)!;
    }
}

public class TokenizationHfTests
{
    private static readonly JsonElement Cases =
        JsonDocument.Parse(File.ReadAllText(TokenizerFixtures.Path("qwen3_tokenizer_cases.json"))).RootElement.GetProperty("cases");

    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Cases.GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Fact]
    public void FixtureHasTwentyCases() => Assert.Equal(20, Cases.GetArrayLength());

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void EncodesAndDecodesLikeHuggingFace(int index)
    {
        var c = Cases[index];
        var text = c.GetProperty("text").GetString()!;
        var expected = c.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var ids = TokenizerFixtures.Qwen3.Encode(text);
        Assert.Equal(expected, ids);
        Assert.Equal(c.GetProperty("decoded").GetString(), TokenizerFixtures.Qwen3.Decode(ids));
    }

    [Fact]
    public void ReadsVocabularySizeEosAndPadFromTheFiles()
    {
        var tok = TokenizerFixtures.Qwen3;
        Assert.Equal(151669, tok.VocabularySize);
        Assert.Equal(26, tok.AddedTokens.Count);
        Assert.Equal([151645], tok.EosTokenIds);
        Assert.Equal(151643, tok.PadTokenId);
        Assert.Equal(151667, tok.TokenToId("<think>"));
        Assert.Equal("<|im_end|>", tok.IdToToken(151645));
    }

    [Fact]
    public void TokenToIdUsesTheByteLevelSpellingOfRegularTokens()
    {
        var tok = TokenizerFixtures.Qwen3;
        Assert.Equal(1879, tok.TokenToId("Ġworld"));
        Assert.Null(tok.TokenToId(" world"));
        Assert.Null(tok.TokenToId("</answer>"));
        Assert.Equal("Ġworld", tok.IdToToken(1879));
        Assert.Null(tok.IdToToken(-1));
        Assert.Null(tok.IdToToken(tok.VocabularySize));
    }

    [Fact]
    public void SkipSpecialTokensDropsChatMarkersButKeepsThinkTags()
    {
        var tok = TokenizerFixtures.Qwen3;
        var ids = tok.Encode("<|im_start|>assistant\n<think>x</think><|im_end|><|endoftext|>");
        Assert.Equal("assistant\n<think>x</think>", tok.Decode(ids, skipSpecialTokens: true));
        Assert.Equal("<|im_start|>assistant\n<think>x</think><|im_end|><|endoftext|>", tok.Decode(ids));
    }

    [Fact]
    public void UnknownIdsThrowNamingTheId()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TokenizerFixtures.Qwen3.Decode([9707, 151669]));
        Assert.Contains("151669", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenizerFixtures.Qwen3.Decode([-3]));
    }

    [Fact]
    public void ACutMultiByteCharacterDecodesToTheReplacementCharacter()
    {
        // 11162 is " " plus the first two bytes of a 4-byte emoji (case "emoji 🎵🔊 test").
        Assert.Equal(" \uFFFD", TokenizerFixtures.Qwen3.Decode([11162]));
    }

    [Fact]
    public void TextIsNfcNormalisedBeforeEncoding()
    {
        var tok = TokenizerFixtures.Qwen3;
        var decomposed = "cafe\u0301";
        Assert.Equal(tok.Encode("caf\u00e9"), tok.Encode(decomposed));
        Assert.Equal("caf\u00e9", tok.Decode(tok.Encode(decomposed)));
    }

    [Fact]
    public void LoneSurrogatesEncodeAsTheReplacementCharacter()
    {
        var tok = TokenizerFixtures.Qwen3;
        Assert.Equal(tok.Encode("a\uFFFDb"), tok.Encode("a\uD800b"));
    }

    [Fact]
    public void AnyTextRoundTripsToItsNfcForm()
    {
        var tok = TokenizerFixtures.Qwen3;
        var pieces = Gen.OneOf(
            Gen.Char[' ', '~'].Array[0, 8].Select(c => new string(c)),
            Gen.OneOf("<|im_start|>", "<|im_end|>", "<think>", "</think>", "\n", "\r\n", "\t", "  ", "12345"),
            // Noncharacters are left out here: string.Normalize, the reference, refuses them (see the next test).
            Gen.Int[0x80, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF && !(cp is >= 0xFDD0 and <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE)).Select(char.ConvertFromUtf32));
        pieces.List[0, 12].Select(p => string.Concat(p)).Sample(
            text => Assert.Equal(text.Normalize(NormalizationForm.FormC), tok.Decode(tok.Encode(text))),
            iter: 500);
    }

    [Fact]
    public void NoncharactersPassThroughAndTheRestIsStillNormalised()
    {
        // Found by the property test above (seed 3qvpJYNqRV81): U+FFFE made encoding throw, as string.Normalize refuses it.
        var tok = TokenizerFixtures.Qwen3;
        var text = "cafe\u0301 \uFFFE x\uFDD0 \U0010FFFF e\u0301";
        Assert.Equal("caf\u00E9 \uFFFE x\uFDD0 \U0010FFFF \u00E9", tok.Decode(tok.Encode(text)));
    }

    [Fact]
    public void ConcurrentEncodingGivesTheSequentialIds()
    {
        var tok = TokenizerFixtures.Qwen3;
        // Every text has words no other has (binary spelled in letters), so each thread misses the cache.
        static string Word(int i) => Convert.ToString(i + 512, 2).Replace('0', 'o').Replace('1', 'l');
        var texts = Enumerable.Range(0, 400).Select(i => $"The {Word(i)} tone is {(i % 3 == 0 ? "higher" : "lower")} than zq{Word(i)}.").ToArray();
        // Parallel first, so the threads race on the tokenizer's word cache while it fills.
        var parallel = new int[texts.Length][];
        Parallel.For(0, texts.Length, i => parallel[i] = tok.Encode(texts[i]).ToArray());
        var sequential = texts.Select(t => tok.Encode(t).ToArray()).ToArray();
        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void FromDirectoryReadsTheGzAndAddsGenerationConfigEos()
    {
        var dir = TokenizerFixtures.TempDir("hf-dir");
        File.Copy(TokenizerFixtures.Path("qwen3_tokenizer.json.gz"), Path.Combine(dir, "tokenizer.json.gz"));
        File.Copy(TokenizerFixtures.Path("qwen3_tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));
        File.WriteAllText(Path.Combine(dir, "generation_config.json"), """{"eos_token_id": [151645, 151643], "pad_token_id": 151643}""");
        var tok = HfTokenizer.FromDirectory(dir);
        Assert.Equal([151645, 151643], tok.EosTokenIds);
        Assert.Equal(151643, tok.PadTokenId);
        Assert.Equal([9707, 1879], tok.Encode("Hello world"));
        Assert.IsType<HfTokenizer>(TokenizerLoader.FromDirectory(dir));
    }

    [Fact]
    public void PadFallsBackToGenerationConfigThenToEos()
    {
        var dir = TokenizerFixtures.TempDir("hf-pad");
        var json = Path.Combine(dir, "tokenizer.json.gz");
        File.Copy(TokenizerFixtures.Path("qwen3_tokenizer.json.gz"), json);
        var config = Path.Combine(dir, "tokenizer_config.json");
        File.WriteAllText(config, """{"eos_token": {"content": "<|endoftext|>", "special": true}, "pad_token": null}""");
        Assert.Equal(151643, HfTokenizer.FromFiles(json, config).PadTokenId);
        var generation = Path.Combine(dir, "generation_config.json");
        File.WriteAllText(generation, """{"eos_token_id": 151645, "pad_token_id": 151644}""");
        var tok = HfTokenizer.FromFiles(json, config, generation);
        Assert.Equal([151643, 151645], tok.EosTokenIds);
        Assert.Equal(151644, tok.PadTokenId);
    }

    [Fact]
    public void BadConfigurationsNameTheFileAndField()
    {
        var dir = TokenizerFixtures.TempDir("hf-bad-config");
        var json = TokenizerFixtures.Path("qwen3_tokenizer.json.gz");
        var config = Path.Combine(dir, "tokenizer_config.json");

        File.WriteAllText(config, """{"eos_token": "<|nope|>"}""");
        var e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromFiles(json, config));
        Assert.Contains(config, e.Message);
        Assert.Contains("eos_token '<|nope|>'", e.Message);

        File.WriteAllText(config, """{"pad_token": "<|endoftext|>"}""");
        e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromFiles(json, config));
        Assert.Contains("no eos_token", e.Message);

        File.WriteAllText(config, """{"eos_token": "<|im_end|>"}""");
        var generation = Path.Combine(dir, "generation_config.json");
        File.WriteAllText(generation, """{"eos_token_id": [151645, 999999]}""");
        e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromFiles(json, config, generation));
        Assert.Contains("eos_token_id", e.Message);
        Assert.Contains("999999", e.Message);

        File.WriteAllText(config, "{not json");
        e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromFiles(json, config));
        Assert.Contains(config, e.Message);

        Assert.Throws<FileNotFoundException>(() => HfTokenizer.FromFiles(json, Path.Combine(dir, "missing.json")));
        Assert.Throws<FileNotFoundException>(() => HfTokenizer.FromFiles(Path.Combine(dir, "missing.json"), config));
        Assert.Throws<FileNotFoundException>(() => HfTokenizer.FromDirectory(dir));
        Assert.Throws<DirectoryNotFoundException>(() => HfTokenizer.FromDirectory(Path.Combine(dir, "nowhere")));
        Assert.Throws<FileNotFoundException>(() => TokenizerLoader.FromDirectory(dir));
    }

    [Fact]
    public void UnsupportedOrMalformedTokenizerJsonIsRefusedByName()
    {
        var dir = TokenizerFixtures.TempDir("hf-bad-json");
        var config = Path.Combine(dir, "tokenizer_config.json");
        File.WriteAllText(config, """{"eos_token": "<|im_end|>"}""");
        var path = Path.Combine(dir, "tokenizer.json");

        // A small tokenizer.json of the same shape as Qwen's, then variants of it with one field wrong.
        JsonNode Small() => JsonNode.Parse("""
        {
          "added_tokens": [{"id": 3, "content": "<|im_end|>", "special": true, "lstrip": false, "rstrip": false, "single_word": false, "normalized": false}],
          "normalizer": {"type": "NFC"},
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "\\p{L}+|\\s+|."}, "behavior": "Isolated", "invert": false},
            {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}]},
          "decoder": {"type": "ByteLevel"},
          "model": {"type": "BPE", "dropout": null, "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]]}
        }
        """)!;
        Exception Load(Action<JsonNode> change)
        {
            var node = Small();
            change(node);
            File.WriteAllText(path, node.ToJsonString());
            return Record.Exception(() => HfTokenizer.FromFiles(path, config))!;
        }

        File.WriteAllText(path, Small().ToJsonString());
        var ok = HfTokenizer.FromFiles(path, config);
        Assert.Equal([2, 3, 0], ok.Encode("ab<|im_end|>a"));
        Assert.Equal(4, ok.VocabularySize);

        var e = Load(n => n["model"]!["type"] = "WordPiece");
        Assert.IsType<NotSupportedException>(e);
        Assert.Contains("model.type", e.Message);
        e = Load(n => n["normalizer"] = JsonNode.Parse("""{"type": "Lowercase"}"""));
        Assert.IsType<NotSupportedException>(e);
        Assert.Contains("normalizer", e.Message);
        e = Load(n => n["pre_tokenizer"] = JsonNode.Parse("""{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"""));
        Assert.IsType<NotSupportedException>(e);
        Assert.Contains("pre_tokenizer", e.Message);
        e = Load(n => n["added_tokens"]![0]!["lstrip"] = true);
        Assert.IsType<NotSupportedException>(e);
        Assert.Contains("lstrip", e.Message);
        e = Load(n => n["model"]!["dropout"] = 0.1);
        Assert.IsType<NotSupportedException>(e);
        Assert.Contains("model.dropout", e.Message);
        e = Load(n => n["model"]!["vocab"]!["b"] = 0);
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains("id 0", e.Message);
        e = Load(n => n["model"]!["merges"]![0] = "abc");
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains("model.merges[0]", e.Message);
        e = Load(n => n.AsObject().Remove("model"));
        Assert.IsType<InvalidDataException>(e);
        Assert.Contains("'model'", e.Message);

        File.WriteAllText(path, "[1, 2");
        e = Assert.Throws<InvalidDataException>(() => HfTokenizer.FromFiles(path, config));
        Assert.Contains(path, e.Message);
    }
}
