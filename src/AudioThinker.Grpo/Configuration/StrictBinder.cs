using System.Collections;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace AudioThinker.Grpo.Configuration;

/// <summary>A configuration value broke a rule; <see cref="Errors"/> holds every fault found, each naming its key path.</summary>
public sealed class ExperimentConfigurationException(string source, IReadOnlyList<string> errors)
    : Exception($"{source}: {errors.Count} configuration error(s):\n  " + string.Join("\n  ", errors))
{
    /// <summary>The faults, each as <c>key.path: rule</c>.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Binds configuration onto options objects strictly: every key must name a property (unknown keys are errors,
/// with the path, e.g. <c>grpo.betta: unknown key</c>), values must parse, lists bind by index. Property names match
/// case-insensitively, as in Microsoft.Extensions.Configuration.
/// </summary>
public static class StrictBinder
{
    /// <summary>Binds <paramref name="section"/> onto a new <typeparamref name="T"/>; faults are added to <paramref name="errors"/>.</summary>
    public static T Bind<T>(IConfiguration section, string path, List<string> errors) where T : new()
    {
        var target = new T();
        BindObject(target, section, path, errors);
        return target;
    }

    /// <summary>Binds onto an existing object.</summary>
    public static void BindObject(object target, IConfiguration section, string path, List<string> errors)
    {
        var props = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || IsList(p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            var childPath = Join(path, child.Key);
            if (!props.TryGetValue(child.Key, out var prop))
            {
                errors.Add($"{childPath}: unknown key (known: {string.Join(", ", props.Keys.Select(Camel).Order(StringComparer.Ordinal))})");
                continue;
            }
            var value = Convert(prop.PropertyType, child, childPath, errors, prop.GetValue(target));
            if (value is not null && prop.CanWrite)
            {
                prop.SetValue(target, value);
            }
        }
    }

    private static object? Convert(Type type, IConfigurationSection section, string path, List<string> errors, object? existing)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(string))
        {
            return section.Value ?? (section.GetChildren().Any() ? Fail(errors, path, "expected a text value, found a mapping or list") : "");
        }
        if (underlying.IsPrimitive || underlying == typeof(decimal) || underlying.IsEnum)
        {
            if (section.Value is null)
            {
                return Fail(errors, path, $"expected a {Describe(underlying)}, found a mapping or list");
            }
            if (underlying.IsEnum)
            {
                var text = section.Value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
                if (Enum.TryParse(underlying, text, ignoreCase: true, out var e) && Enum.IsDefined(underlying, e!))
                {
                    return e;
                }
                return Fail(errors, path, $"'{section.Value}' is not one of {string.Join(", ", Enum.GetNames(underlying).Select(Snake))}");
            }
            try
            {
                if (underlying == typeof(bool))
                {
                    return bool.Parse(section.Value);
                }
                return System.Convert.ChangeType(section.Value, underlying, CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException)
            {
                return Fail(errors, path, $"'{section.Value}' is not a valid {Describe(underlying)}");
            }
        }
        if (IsList(underlying))
        {
            var elementType = underlying.IsArray ? underlying.GetElementType()! : underlying.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(elementType))!;
            if (section.Value is { Length: > 0 } scalar)
            {
                // A scalar where a list is expected: a comma-separated list ("a, b").
                foreach (var part in scalar.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    list.Add(System.Convert.ChangeType(part, elementType, CultureInfo.InvariantCulture));
                }
                return list;
            }
            foreach (var item in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
            {
                if (!int.TryParse(item.Key, out var index))
                {
                    errors.Add($"{path}.{item.Key}: expected a list item");
                    continue;
                }
                list.Add(Convert(elementType, item, $"{path}[{index}]", errors, null));
            }
            return list;
        }
        if (underlying.IsGenericType && underlying.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var dict = (IDictionary)(existing ?? Activator.CreateInstance(underlying)!);
            var valueType = underlying.GetGenericArguments()[1];
            foreach (var item in section.GetChildren())
            {
                dict[item.Key] = Convert(valueType, item, Join(path, item.Key), errors, null);
            }
            return dict;
        }
        var obj = existing ?? Activator.CreateInstance(underlying)!;
        if (section.Value is { Length: > 0 })
        {
            return Fail(errors, path, "expected a mapping, found a value");
        }
        BindObject(obj, section, path, errors);
        return obj;
    }

    private static bool IsList(Type t) => t != typeof(string) && (t.IsArray ||
        (t.IsGenericType && t.GetGenericTypeDefinition() is var d && (d == typeof(List<>) || d == typeof(IReadOnlyList<>) || d == typeof(IList<>))));

    private static object? Fail(List<string> errors, string path, string message)
    {
        errors.Add($"{path}: {message}");
        return null;
    }

    private static string Join(string path, string key) => path.Length == 0 ? Camel(key) : $"{path}.{Camel(key)}";

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string Snake(string name) => string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Describe(Type t) => t == typeof(bool) ? "boolean (true/false)" : t == typeof(int) || t == typeof(long) ? "whole number" : "number";
}
