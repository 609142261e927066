using System.Text.Json.Nodes;
using AudioThinker.Abstractions;
using AudioThinker.Rewards.DependencyInjection;
using AudioThinker.Rewards.Parsing;
using AudioThinker.Rewards.Pipeline;
using AudioThinker.Rewards.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AudioThinker.Rewards.Tests;

public class RolloutFileScorerTests
{
    private static RewardPipeline Pipeline() =>
        new ServiceCollection().AddAudioThinkerRewards(new ConfigurationBuilder().Build().GetSection("rewards"))
            .BuildServiceProvider().GetRequiredService<RewardPipeline>();

    private const string Facts = "\"facts\": {\"high_beeps\": \"3\", \"low_beeps\": \"2\"}";

    private static readonly string Input = string.Join('\n',
        $"{{\"group\": \"q1\", \"question\": \"How many beeps?\", \"choices\": [\"4\", \"5\"], \"answer\": \"5\", \"completion\": \"<think>3 high beeps and 2 low beeps, so the answer is 5</think><answer>5</answer>\", \"difficulty\": \"medium\", {Facts}, \"id\": 7}}",
        $"{{\"group\": \"q1\", \"question\": \"How many beeps?\", \"choices\": [\"4\", \"5\"], \"answer\": \"5\", \"completion\": \"<answer>4</answer>\", \"difficulty\": \"medium\", {Facts}}}",
        "",
        "{\"group\": 2, \"question\": \"Which animal?\", \"choices\": [\"dog\", \"cat\"], \"answer\": \"dog\", \"completion\": \"<answer>dog</answer>\"}",
        $"{{\"group\": \"q1\", \"question\": \"How many beeps?\", \"choices\": [\"4\", \"5\"], \"answer\": \"5\", \"completion\": \"just 5\", \"difficulty\": \"medium\", {Facts}}}");

    [Fact]
    public async Task EveryLineComesBackWithModeRewardsAndAdvantage()
    {
        var output = new StringWriter();
        var d = await RolloutFileScorer.ScoreAsync(new StringReader(Input), "in.jsonl", output, Pipeline(), TaggedResponseParser.Instance, new RewardContext(0, 1000));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

        Assert.Equal(4, lines.Length);
        Assert.Equal(["think", "no-think", "no-think", "invalid"], lines.Select(l => l["mode"]!.GetValue<string>()));
        Assert.Equal(7, lines[0]["id"]!.GetValue<int>()); // input fields are kept
        foreach (var l in lines)
        {
            var rewards = l["rewards"]!.AsObject();
            Assert.Equal(["format", "accuracy", "atar", "consistency", "think", "total"], rewards.Select(kv => kv.Key));
            Assert.True(l.ContainsKey("advantage"));
        }
        Assert.Equal(1.0, lines[0]["rewards"]!["think"]!.GetValue<double>());
        Assert.Equal(1.0, lines[0]["rewards"]!["consistency"]!.GetValue<double>());
        Assert.Equal(0.0, lines[2]["advantage"]!.GetValue<double>()); // a group of one
        Assert.Equal((2, 4, 1), (d.Groups, d.Rollouts, d.ZeroVarianceGroups));
        // The three rollouts of q1 are one group: their advantages sum to zero.
        Assert.Equal(0, lines[0]["advantage"]!.GetValue<double>() + lines[1]["advantage"]!.GetValue<double>() + lines[3]["advantage"]!.GetValue<double>(), 9);
    }

    [Theory]
    [InlineData("{\"group\": \"g\"", "in.jsonl line 2: not valid JSON")]
    [InlineData("[1, 2]", "in.jsonl line 2: expected a JSON object")]
    [InlineData("{\"question\": \"q\", \"answer\": \"a\", \"completion\": \"c\"}", "in.jsonl line 2: 'group' is missing")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": \"a\"}", "in.jsonl line 2: 'completion' is missing")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": 5, \"completion\": \"c\"}", "in.jsonl line 2: 'answer' must be a string")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": \"a\", \"completion\": \"c\", \"choices\": \"a,b\"}", "in.jsonl line 2: 'choices' must be an array of strings")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": \"a\", \"completion\": \"c\", \"difficulty\": \"brutal\"}", "in.jsonl line 2: 'difficulty' must be easy, medium or hard (got 'brutal')")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": \"a\", \"completion\": \"c\", \"facts\": {\"n\": [1]}}", "in.jsonl line 2: 'facts'.'n' must be a string, number or boolean")]
    [InlineData("{\"group\": \"g\", \"question\": \"q\", \"answer\": \"b\", \"completion\": \"c\"}", "in.jsonl line 2: group 'g' has a different 'answer' than on line 1")]
    public void BadLinesNameTheLine(string secondLine, string message)
    {
        var input = "{\"group\": \"g\", \"question\": \"q\", \"answer\": \"a\", \"completion\": \"c\"}\n" + secondLine;
        var e = Assert.Throws<InvalidDataException>(() => RolloutJsonl.Read(new StringReader(input), "in.jsonl", TaggedResponseParser.Instance));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void AnEmptyFileIsAnError()
    {
        var e = Assert.Throws<InvalidDataException>(() => RolloutJsonl.Read(new StringReader("\n\n"), "empty.jsonl", TaggedResponseParser.Instance));
        Assert.Equal("empty.jsonl: no rollout lines", e.Message);
    }

    [Fact]
    public async Task TheOutputFileIsWrittenWholeOrNotAtAll()
    {
        var dir = Directory.CreateTempSubdirectory("at-score-");
        try
        {
            var input = Path.Combine(dir.FullName, "in.jsonl");
            var output = Path.Combine(dir.FullName, "out", "scored.jsonl");
            File.WriteAllText(input, Input);
            await RolloutFileScorer.ScoreFileAsync(input, output, Pipeline(), TaggedResponseParser.Instance, new RewardContext(0, 10));
            Assert.Equal(4, File.ReadAllLines(output).Length);

            File.WriteAllText(input, Input + "\n{broken");
            await Assert.ThrowsAsync<InvalidDataException>(() => RolloutFileScorer.ScoreFileAsync(input, output, Pipeline(), TaggedResponseParser.Instance, new RewardContext(0, 10)));
            Assert.Equal(4, File.ReadAllLines(output).Length); // the earlier output is untouched
            Assert.Single(Directory.EnumerateFiles(Path.Combine(dir.FullName, "out")));
        }
        finally
        {
            dir.Delete(true);
        }
    }
}
