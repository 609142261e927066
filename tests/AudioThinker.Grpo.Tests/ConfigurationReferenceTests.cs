using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using AudioThinker.Grpo.Composition;
using AudioThinker.Grpo.Options;
using AudioThinker.Rewards.Judges;
using AudioThinker.Rewards.Options;

namespace AudioThinker.Grpo.Tests;

/// <summary>docs/configuration.md lists every key of every options class, with the class's default: this keeps it in step.</summary>
public partial class ConfigurationReferenceTests
{
    /// <summary>Where each options class sits in a YAML file (NAME: a judge's name, [] a list item).</summary>
    private static readonly (string Prefix, Type Options)[] Roots =
    [
        ("", typeof(ExperimentOptions)),
        ("rewards", typeof(RewardsOptions)),
        ("rewards.accuracy", typeof(AccuracyOptions)),
        ("rewards.atar", typeof(AtarOptions)),
        ("rewards.consistency", typeof(ConsistencyOptions)),
        ("rewards.think", typeof(ThinkOptions)),
        ("rewards.eq7", typeof(Eq7Options)),
        ("rewards.advantage", typeof(AdvantageOptions)),
        ("judges.NAME", typeof(OpenAiJudgeOptions)),
        ("judges.NAME", typeof(RuleBasedJudgeOptions)),
        ("quickstart", typeof(QuickstartOptions)),
        ("quickstart.variants[]", typeof(QuickstartVariant)),
    ];

    /// <summary>Keys read by code rather than bound to a property.</summary>
    private static readonly string[] ExtraKeys = ["judges.NAME.type"];

    [Fact]
    public void EveryKeyIsDocumentedWithItsDefault()
    {
        var documented = DocumentedRows();
        var expected = Leaves().ToList();
        var missing = expected.Where(e => !documented.ContainsKey(e.Key)).ToList();
        Assert.True(missing.Count == 0, "docs/configuration.md lacks these keys; add the rows (fill in the rule):\n"
            + string.Join("\n", missing.Select(m => $"| `{m.Key}` | {m.Default} | |")));
        var wrong = expected.Where(e => e.Default is not null && !SameDefault(e.Default, documented[e.Key])).ToList();
        Assert.True(wrong.Count == 0, "docs/configuration.md states other defaults than the options classes:\n"
            + string.Join("\n", wrong.Select(w => $"{w.Key}: code {w.Default}, doc {documented[w.Key]}")));
    }

    [Fact]
    public void NoDocumentedKeyIsStale()
    {
        var known = Leaves().Select(l => l.Key).Concat(ExtraKeys).ToHashSet(StringComparer.Ordinal);
        var stale = DocumentedRows().Keys.Where(k => !known.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "docs/configuration.md documents keys no options class has: " + string.Join(", ", stale));
    }

    [Fact]
    public void ReflectionFindsNestedAndListKeys()
    {
        // Guards the walk itself: if it stopped descending, the two tests above would pass on too few keys.
        var keys = Leaves().Select(l => l.Key).ToList();
        Assert.Contains("grpo.maxCompletionTokens", keys);
        Assert.Contains("data.synthetic.trainPerLevel", keys);
        Assert.Contains("rewards.atar.noThinkWrongPenalized", keys);
        Assert.Contains("judges.NAME.baseUrl", keys);
        Assert.Contains("quickstart.variants[].rewards", keys);
        Assert.DoesNotContain("rewards.eq7.components", keys); // read-only: not a key
        Assert.DoesNotContain("grpo", keys); // a section, not a leaf
    }

    private static IEnumerable<(string Key, string? Default)> Leaves()
    {
        foreach (var (prefix, type) in Roots)
        {
            foreach (var leaf in Walk(prefix, Activator.CreateInstance(type)!))
            {
                yield return leaf;
            }
        }
    }

    private static IEnumerable<(string Key, string? Default)> Walk(string prefix, object instance)
    {
        foreach (var p in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = prefix.Length == 0 ? Camel(p.Name) : $"{prefix}.{Camel(p.Name)}";
            var value = p.GetValue(instance);
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (t.IsClass && t != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(t))
            {
                foreach (var leaf in Walk(key, value ?? Activator.CreateInstance(t)!))
                {
                    yield return leaf;
                }
                continue;
            }
            yield return (key, Format(value));
        }
    }

    /// <summary>A default as the doc writes it: none, true, 0.5, grpo, dr_grpo, [a, b], {k: v}.</summary>
    private static string Format(object? value) => value switch
    {
        null => "none",
        string s => s.Length == 0 ? "none" : s,
        bool b => b ? "true" : "false",
        Enum e => Snake(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary d => "{" + string.Join(", ", d.Keys.Cast<object>().Select(k => $"{Format(k)}: {Format(d[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Format)) + "]",
        _ => value.ToString() ?? "none",
    };

    private static bool SameDefault(string code, string doc)
    {
        doc = doc.Replace("`", "", StringComparison.Ordinal).Trim();
        if (double.TryParse(code, NumberStyles.Float, CultureInfo.InvariantCulture, out var c)
            && double.TryParse(doc, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return Math.Abs(c - d) <= 1e-12 * Math.Max(1, Math.Abs(c));
        }
        return string.Equals(code, doc, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> DocumentedRows()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AudioThinker.sln")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in Row().Matches(File.ReadAllText(Path.Combine(dir.FullName, "docs", "configuration.md"))))
        {
            Assert.True(rows.TryAdd(m.Groups["key"].Value, m.Groups["default"].Value), $"docs/configuration.md lists `{m.Groups["key"].Value}` twice");
        }
        return rows;
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Snake(string name) =>
        string.Concat(name.Select((ch, i) => i > 0 && char.IsUpper(ch) ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    // A table row: | `key` | default | rule |
    [GeneratedRegex(@"^\| `(?<key>[^`]+)` \| (?<default>[^|]*?) \| [^\n]*\|\s*$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
