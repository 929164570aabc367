using System.Globalization;
using Microsoft.Extensions.Options;
using SdWeb.Engine.Devices;

namespace SdWeb.Options;

/// <summary>
/// Refuses settings the app cannot run with, at start (not at the first request that needs them), each message naming
/// the configuration key to fix.
/// </summary>
public sealed class SdWebOptionsValidator : IValidateOptions<SdWebOptions>
{
    public ValidateOptionsResult Validate(string? name, SdWebOptions options)
    {
        var failures = new List<string>();
        void AtLeast(string key, double value, double min, bool exclusive = false)
        {
            if (exclusive ? value > min : value >= min) return;
            var rule = exclusive ? "greater than" : "at least";
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{SdWebOptions.Section}:{key} must be {rule} {min}, not {value}."));
        }
        void KernelName(string key, string value)
        {
            if (!EngineOptions.KernelNames.Contains(value))
                failures.Add($"{SdWebOptions.Section}:{key} must be {EngineOptions.KernelNamesText}, not '{value}'.");
        }

        AtLeast(nameof(SdWebOptions.Threads), options.Threads, 0);
        AtLeast(nameof(SdWebOptions.MaxUploadBytes), options.MaxUploadBytes, 1);
        AtLeast(nameof(SdWebOptions.MaxUploadDimension), options.MaxUploadDimension, 1);
        AtLeast(nameof(SdWebOptions.SubmissionBurst), options.SubmissionBurst, 1);
        AtLeast(nameof(SdWebOptions.SubmissionsPerMinute), options.SubmissionsPerMinute, 0, exclusive: true);
        AtLeast(nameof(SdWebOptions.PreviewsPerSecond), options.PreviewsPerSecond, 0, exclusive: true);
        KernelName(nameof(SdWebOptions.Attention), options.Attention);
        KernelName(nameof(SdWebOptions.Convolutions), options.Convolutions);
        if (options.Database == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnection))
            failures.Add($"{SdWebOptions.Section}:{nameof(SdWebOptions.PostgresConnection)} is required when {SdWebOptions.Section}:{nameof(SdWebOptions.Database)} is postgres.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
