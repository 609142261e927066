using System.Text.Json.Nodes;
using AudioThinker.Policies.Tokenization;
using CsCheck;

namespace AudioThinker.Policies.Tests;

public class TokenizationCompactTests
{
    // Small, regular English like the synthetic dataset's: questions, options, reasoning, answers.
    private static readonly string[] Corpus =
    [
        "How many beeps are there in the audio?",
        "How many beeps are there? Please choose the answer from the following options: ['2', '3', '4'].",
        "<think>I count the beeps: one, two, three. So there are 3 beeps.</think><answer>3</answer>",
        "Is the second tone higher than the first tone?",
        "<think>The first tone is 440 Hz and the second tone is 880 Hz, so the second tone is higher.</think><answer>yes</answer>",
        "<answer>no</answer>",
        "Which tone is louder, the first or the second?",
    ];

    private static readonly CompactTokenizer Tok = CompactTokenizer.Build(Corpus, new CompactTokenizerOptions { MinFrequency = 1 });

    private int Id(string token) => Tok.TokenToId(token) ?? throw new Xunit.Sdk.XunitException($"'{token}' is not a token");

    [Fact]
    public void EachChatAudioAndReasoningMarkerIsOneToken()
    {
        foreach (var t in CompactTokenizer.DefaultAddedTokens)
        {
            Assert.Equal([t.Id], Tok.Encode(t.Content));
            Assert.Equal(t.Id, Tok.TokenToId(t.Content));
        }
        Assert.Equal(10, CompactTokenizer.DefaultAddedTokens.Count);
        Assert.Equal(
            ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|audio_bos|>", "<|AUDIO|>", "<|audio_eos|>", "<think>", "</think>", "<answer>", "</answer>"],
            CompactTokenizer.DefaultAddedTokens.Select(t => t.Content));
        Assert.Equal([Id("<|im_end|>"), Id("<|endoftext|>")], Tok.EosTokenIds);
        Assert.Equal(Id("<|endoftext|>"), Tok.PadTokenId);
    }

    [Fact]
    public void WordsCarryTheirLeadingSpaceDigitsAreSingleAndPunctuationIsSplitOff()
    {
        var ids = Tok.Encode("<think>The second tone is 880 Hz.</think><answer>yes</answer>");
        Assert.Equal(
            ["<think>", "The", " second", " tone", " is", " 8", "8", "0", " Hz", ".", "</think>", "<answer>", "yes", "</answer>"],
            ids.Select(i => Tok.IdToToken(i)));
        Assert.Equal(
            ["How", " many", " beeps", "?", " Please", " choose"],
            Tok.Encode("How many beeps? Please choose").Select(i => Tok.IdToToken(i)));
    }

    [Fact]
    public void DigitsArePresentEvenWhenTheCorpusHasNone()
    {
        var bare = CompactTokenizer.Build(["no numbers here"]);
        foreach (var d in "0123456789")
        {
            Assert.Single(bare.Encode(d.ToString()));
            Assert.Single(bare.Encode(" " + d));
        }
        Assert.Single(bare.Encode("!"));
        Assert.Single(bare.Encode("~"));
    }

    [Fact]
    public void UnknownWordsFallBackToBytesAndRoundTrip()
    {
        var text = "The zorblax tone is naïve 🎵\tok";
        var ids = Tok.Encode(text);
        Assert.Equal(text, Tok.Decode(ids));
        var tokens = ids.Select(i => Tok.IdToToken(i)!).ToList();
        // " zorblax": the space token, then one byte token per letter.
        var z = tokens.IndexOf("<0x7A>");
        Assert.Equal(" ", tokens[z - 1]);
        Assert.Equal(["<0x7A>", "<0x6F>", "<0x72>", "<0x62>", "<0x6C>", "<0x61>", "<0x78>"], tokens.Skip(z).Take(7));
        // the emoji is its four UTF-8 bytes.
        Assert.Contains("<0xF0>", tokens);
    }

    [Fact]
    public void FrequencyOrderAndLimitsShapeTheVocabulary()
    {
        var corpus = new[] { "alpha alpha alpha beta beta gamma" };
        var all = CompactTokenizer.Build(corpus, new CompactTokenizerOptions { MinFrequency = 1 });
        var fixedSize = CompactTokenizer.Build([]).VocabularySize;
        // "alpha" (first, no space), " alpha" ×2, " beta" ×2, " gamma" ×1.
        Assert.Equal(fixedSize + 4, all.VocabularySize);
        Assert.True(all.TokenToId(" alpha") < all.TokenToId(" beta"));
        Assert.True(all.TokenToId(" beta") < all.TokenToId(" gamma"));

        var frequent = CompactTokenizer.Build(corpus, new CompactTokenizerOptions { MinFrequency = 2 });
        Assert.Null(frequent.TokenToId(" gamma"));
        Assert.NotNull(frequent.TokenToId(" beta"));

        var capped = CompactTokenizer.Build(corpus, new CompactTokenizerOptions { MinFrequency = 1, MaxVocabularySize = fixedSize + 1 });
        Assert.Equal(fixedSize + 1, capped.VocabularySize);
        Assert.NotNull(capped.TokenToId(" alpha"));
        Assert.Null(capped.TokenToId(" beta"));

        Assert.Throws<ArgumentOutOfRangeException>(() => CompactTokenizer.Build(corpus, new CompactTokenizerOptions { MaxVocabularySize = fixedSize - 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactTokenizer.Build(corpus, new CompactTokenizerOptions { MinFrequency = 0 }));
    }

    [Fact]
    public void TheSameCorpusAlwaysGivesTheSameIds()
    {
        var options = new CompactTokenizerOptions { MinFrequency = 1 };
        Assert.Equal(Tok.ToJson(), CompactTokenizer.Build(Corpus, options).ToJson());
        Assert.Equal(Tok.ToJson(), CompactTokenizer.Build(Corpus.Reverse(), options).ToJson());
    }

    [Fact]
    public void SkipSpecialTokensKeepsTheReasoningTags()
    {
        var ids = Tok.Encode("<|im_start|>assistant\n<think>one</think><answer>3</answer><|im_end|>");
        Assert.Equal("assistant\n<think>one</think><answer>3</answer>", Tok.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void OutOfRangeIdsThrowNamingTheId()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tok.Decode([0, Tok.VocabularySize]));
        Assert.Contains(Tok.VocabularySize.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tok.Decode([-1]));
    }

    [Fact]
    public void SavesAndLoadsAsJson()
    {
        var path = Path.Combine(TokenizerFixtures.TempDir("compact"), "ckpt", CompactTokenizer.DefaultFileName);
        Tok.Save(path);
        var loaded = CompactTokenizer.Load(path);
        Assert.Equal(Tok.VocabularySize, loaded.VocabularySize);
        Assert.Equal(Tok.EosTokenIds, loaded.EosTokenIds);
        Assert.Equal(Tok.PadTokenId, loaded.PadTokenId);
        foreach (var text in Corpus)
        {
            Assert.Equal(Tok.Encode(text), loaded.Encode(text));
        }
        Assert.Equal(Tok.ToJson(), loaded.ToJson());
        Assert.IsType<CompactTokenizer>(TokenizerLoader.FromDirectory(Path.GetDirectoryName(path)!));
        // Readable: the markers are written as text, not \u escapes.
        Assert.Contains("\"<|im_start|>\"", File.ReadAllText(path));
    }

    [Fact]
    public void BadFilesAreRefusedNamingTheField()
    {
        string Fail(Action<JsonNode> change)
        {
            var node = JsonNode.Parse(Tok.ToJson())!;
            change(node);
            return Assert.Throws<InvalidDataException>(() => CompactTokenizer.FromJson(node.ToJsonString(), "ckpt/compact_tokenizer.json")).Message;
        }

        Assert.Contains("'format'", Fail(n => n["format"] = "something-else"));
        Assert.Contains("'version'", Fail(n => n["version"] = 2));
        Assert.Contains("tokens[1]", Fail(n => n["tokens"]![1] = n["tokens"]![0]!.GetValue<string>()));
        Assert.Contains("repeats", Fail(n => n["tokens"]![0] = "<think>"));
        Assert.Contains("eos_tokens[0]", Fail(n => n["eos_tokens"]![0] = "<|nope|>"));
        Assert.Contains("pad_token", Fail(n => n["pad_token"] = "<|nope|>"));
        Assert.Contains("added_tokens[1]", Fail(n => n["added_tokens"]![1]!["id"] = 7));
        Assert.Contains("'tokens'", Fail(n => n.AsObject().Remove("tokens")));
        Assert.Contains("ckpt/compact_tokenizer.json", Fail(n => n["format"] = "x"));
        Assert.Contains("ckpt/x.json", Assert.Throws<InvalidDataException>(() => CompactTokenizer.FromJson("{", "ckpt/x.json")).Message);
        Assert.Throws<FileNotFoundException>(() => CompactTokenizer.Load(Path.Combine(TokenizerFixtures.TempDir("compact-missing"), "none.json")));
    }

    // Text built from what the tokenizer must handle: known words, unknown words, markers, digits, punctuation,
    // every kind of whitespace, and any Unicode scalar value.
    private static readonly Gen<string> Texts = Gen.OneOf(
        Gen.OneOf("the", " tone", " beeps", "How", " 3", "?", "<think>", "</answer>", "<|AUDIO|>", "<|im_end|>", "\n", "\r\n", "\t", "  ", " ", "<0x41>", "<thi"),
        Gen.Char[' ', '~'].Array[0, 6].Select(c => new string(c)),
        Gen.Char["\u00e9\u0301\u00a0\u2028 a1."].Array[1, 4].Select(c => new string(c)),
        Gen.Int[0, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32))
        .List[0, 16].Select(parts => string.Concat(parts));

    [Fact]
    public void RandomTextRoundTripsExactly() =>
        Texts.Sample(text => Assert.Equal(text, Tok.Decode(Tok.Encode(text))), iter: 3000);

    [Fact]
    public void ArbitraryUtf16NeverThrowsAndOnlyLoneSurrogatesChange() =>
        Gen.Char.Array[0, 40].Select(c => new string(c)).Sample(text =>
        {
            var decoded = Tok.Decode(Tok.Encode(text));
            Assert.Equal(text.Length, decoded.Length);
            for (var i = 0; i < text.Length; i++)
            {
                var paired = char.IsHighSurrogate(text[i]) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                    : char.IsLowSurrogate(text[i]) && i > 0 && char.IsHighSurrogate(text[i - 1]);
                Assert.Equal(char.IsSurrogate(text[i]) && !paired ? '\uFFFD' : text[i], decoded[i]);
            }
        }, iter: 3000);
}
