using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>Catches misspelt keys: every key of a section must be a property of its options class (or an allowed extra).</summary>
internal static class ConfigKeys
{
    public static List<string> Unknown(IConfiguration section, Type options, string path, IEnumerable<string>? extra = null)
    {
        var known = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .Select(p => p.Name)
            .Concat(extra ?? [])
            .ToList();
        return Unknown(section, known, path);
    }

    public static List<string> Unknown(IConfiguration section, IReadOnlyCollection<string> known, string path)
    {
        var errors = new List<string>();
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:{child.Key} is not a known key (known: {string.Join(", ", known.Select(Camel))})");
            }
        }
        return errors;
    }

    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
