namespace AudioThinker.Grpo.Composition;

/// <summary>One trained variant of the quickstart: a prompt and a reward configuration.</summary>
public sealed class QuickstartVariant
{
    /// <summary>Short name (a folder name).</summary>
    public string Name { get; set; } = "";

    /// <summary>Label in the report's tables.</summary>
    public string Label { get; set; } = "";

    /// <summary>Prompt template.</summary>
    public string Prompt { get; set; } = "adaptive";

    /// <summary>The <c>rewards</c> section for this variant (flattened <c>key: value</c> pairs, e.g. <c>eq7:thinkCoefficient: 0</c>).</summary>
    public Dictionary<string, string> Rewards { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The quickstart: a base experiment (its keys under <c>experiment</c>), the variants, the seeds and the named profiles
/// (overrides of the base experiment's keys, plus <c>seeds</c>).</summary>
public sealed class QuickstartOptions
{
    /// <summary>GRPO seeds per variant. Default 3.</summary>
    public int Seeds { get; set; } = 3;

    /// <summary>Variant runs trained at once, each on its own model copy (set libtorch to one thread each with <c>threads: 1</c>).
    /// Default 2: on a 2-core machine two single-threaded tiny models beat one two-threaded one.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>The variants, in report order.</summary>
    public List<QuickstartVariant> Variants { get; set; } = [];
}
