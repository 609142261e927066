using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace AudioThinker.Grpo.Configuration;

/// <summary>Reads a YAML file into Microsoft.Extensions.Configuration's flat key space
/// (<c>grpo:steps</c>, <c>rewards:0:name</c>), with YamlDotNet. Parse errors name the file, line and column.</summary>
public sealed class YamlConfigurationSource : FileConfigurationSource
{
    /// <inheritdoc />
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this);
    }
}

/// <summary>The provider behind <see cref="YamlConfigurationSource"/>.</summary>
public sealed class YamlConfigurationProvider(YamlConfigurationSource source) : FileConfigurationProvider(source)
{
    /// <inheritdoc />
    public override void Load(Stream stream)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var yaml = new YamlStream();
        using var reader = new StreamReader(stream);
        var parser = new Parser(reader);
        try
        {
            yaml.Load(parser);
        }
        catch (YamlException e)
        {
            throw new FormatException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // Some malformed inputs surface as a parser state error; the last event read says where.
            var at = parser.Current?.End;
            throw new FormatException($"not valid YAML near line {at?.Line ?? 0}, column {at?.Column ?? 0}: the structure is malformed (unclosed bracket or bad indentation?)", e);
        }
        if (yaml.Documents.Count > 0)
        {
            Flatten(yaml.Documents[0].RootNode, "", data);
        }
        Data = data;
    }

    private static void Flatten(YamlNode node, string prefix, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value ?? "";
                    Flatten(value, prefix.Length == 0 ? name : prefix + ConfigurationPath.KeyDelimiter + name, data);
                }
                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    Flatten(seq.Children[i], prefix + ConfigurationPath.KeyDelimiter + i, data);
                }
                break;
            case YamlScalarNode scalar:
                // YAML's null (~, null, empty) leaves the key present without a value, so defaults stay.
                var isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null";
                data[prefix] = isNull ? null : scalar.Value;
                break;
        }
    }
}

/// <summary>Adds YAML files to a configuration builder.</summary>
public static class YamlConfigurationExtensions
{
    /// <summary>Adds a YAML file.</summary>
    public static IConfigurationBuilder AddYamlFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        var source = new YamlConfigurationSource { Path = path, Optional = optional, ReloadOnChange = false };
        source.ResolveFileProvider();
        return builder.Add(source);
    }
}
