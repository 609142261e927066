using AudioThinker.Grpo.Options;
using Microsoft.Extensions.Configuration;

namespace AudioThinker.Grpo.Configuration;

/// <summary>An experiment read from YAML: the typed options, and the raw configuration for the sections other
/// components bind themselves (<c>rewards</c>, <c>judges</c>).</summary>
/// <param name="Source">The file it came from.</param>
/// <param name="Options">The validated options.</param>
/// <param name="Configuration">The whole configuration tree.</param>
public sealed record Experiment(string Source, ExperimentOptions Options, IConfiguration Configuration)
{
    /// <summary>The keys bound by the Rewards library rather than by <see cref="ExperimentOptions"/>.</summary>
    public static readonly IReadOnlySet<string> ComponentSections = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "rewards", "judges" };

    /// <summary>Reads and validates an experiment file. Relative paths inside it are resolved against the file's folder.</summary>
    /// <param name="path">The YAML file.</param>
    /// <param name="overrides">Extra key/value pairs applied on top (e.g. <c>grpo:steps</c> from a profile or the command line).</param>
    /// <exception cref="ExperimentConfigurationException">The file is missing, is not YAML, or breaks a rule: every fault is listed with its key path.</exception>
    public static Experiment Load(string path, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (!File.Exists(path))
        {
            throw new ExperimentConfigurationException(path, ["file does not exist"]);
        }
        var full = System.IO.Path.GetFullPath(path);
        IConfiguration configuration;
        try
        {
            var builder = new ConfigurationBuilder().AddYamlFile(full);
            if (overrides is not null)
            {
                builder.AddInMemoryCollection(overrides);
            }
            configuration = builder.Build();
        }
        catch (InvalidDataException e) when (e.InnerException is FormatException f)
        {
            throw new ExperimentConfigurationException(full, [f.Message]);
        }
        return FromConfiguration(configuration, full);
    }

    /// <summary>Binds and validates an experiment from any configuration (YAML, JSON, in-memory).</summary>
    public static Experiment FromConfiguration(IConfiguration configuration, string source)
    {
        var errors = new List<string>();
        var options = new ExperimentOptions();
        var filtered = new ConfigurationBuilder()
            .AddInMemoryCollection(configuration.AsEnumerable()
                .Where(kv => !ComponentSections.Contains(kv.Key.Split(':')[0]) && kv.Value is not null))
            .Build();
        StrictBinder.BindObject(options, filtered, "", errors);
        if (errors.Count == 0)
        {
            var dir = System.IO.Path.GetDirectoryName(source) ?? ".";
            options.Data.Train = Resolve(dir, options.Data.Train);
            options.Data.Test = Resolve(dir, options.Data.Test);
            options.Model.Path = Resolve(dir, options.Model.Path);
            errors.AddRange(options.Validate());
        }
        if (errors.Count > 0)
        {
            throw new ExperimentConfigurationException(source, errors);
        }
        return new Experiment(source, options, configuration);
    }

    private static string? Resolve(string dir, string? path) =>
        string.IsNullOrWhiteSpace(path) ? path : System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, path));
}
