using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AudioThinker.Rewards.DependencyInjection;

/// <summary>Validates one (named) options instance: unknown keys in its section, then the class's own rules.</summary>
internal sealed class SectionValidator<T>(string name, IConfiguration section, string path, Func<T, string, List<string>> rules, string[] extraKeys)
    : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? optionsName, T options)
    {
        if (!string.Equals(optionsName ?? Microsoft.Extensions.Options.Options.DefaultName, name, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }
        var errors = ConfigKeys.Unknown(section, typeof(T), path, extraKeys);
        errors.AddRange(rules(options, path));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
