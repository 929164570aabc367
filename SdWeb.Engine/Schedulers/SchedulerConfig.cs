using System.Text.Json;
using System.Text.RegularExpressions;

namespace SdWeb.Engine.Schedulers;

/// <summary>
/// The fields of diffusers' scheduler_config.json that the samplers read. Unknown fields are ignored, missing ones
/// (null here) take each scheduler class's diffusers default (so a config made for one class configures another the way
/// <c>X.from_config(config)</c> does); <see cref="WithDefaults"/> fills them in.
/// </summary>
internal sealed partial record SchedulerConfig
{
    public int NumTrainTimesteps { get; init; } = 1000;
    public double BetaStart { get; init; } = 0.0001;
    public double BetaEnd { get; init; } = 0.02;
    public string BetaSchedule { get; init; } = "linear";
    public double[]? TrainedBetas { get; init; }
    public string PredictionType { get; init; } = "epsilon";
    public string? TimestepSpacing { get; init; }
    public int? StepsOffset { get; init; }
    public bool? SetAlphaToOne { get; init; }
    public bool? SkipPrkSteps { get; init; }
    public bool? ClipSample { get; init; }
    public double? ClipSampleRange { get; init; }
    public bool UseKarrasSigmas { get; init; }

    /// <summary>This config with its unset fields taken from a scheduler class's defaults.</summary>
    public SchedulerConfig WithDefaults(SchedulerConfig classDefaults) => this with
    {
        TimestepSpacing = TimestepSpacing ?? classDefaults.TimestepSpacing,
        StepsOffset = StepsOffset ?? classDefaults.StepsOffset,
        SetAlphaToOne = SetAlphaToOne ?? classDefaults.SetAlphaToOne,
        SkipPrkSteps = SkipPrkSteps ?? classDefaults.SkipPrkSteps,
        ClipSample = ClipSample ?? classDefaults.ClipSample,
        ClipSampleRange = ClipSampleRange ?? classDefaults.ClipSampleRange,
    };

    /// <summary>Reads a diffusers <c>scheduler_config.json</c> file.</summary>
    public static SchedulerConfig FromJson(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Scheduler config not found: {path}. Expected a diffusers scheduler_config.json.", path);
        try
        {
            using var doc = ParsePythonJson(File.ReadAllText(path));
            return FromJson(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Scheduler config {path} is not a valid diffusers scheduler_config.json: {e.Message}", e);
        }
    }

    /// <summary>Reads a diffusers scheduler config object (snake_case keys; unknown keys and JSON nulls are ignored).</summary>
    public static SchedulerConfig FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
            throw new FormatException($"A scheduler config must be a JSON object, got {json.ValueKind}.");
        var config = new SchedulerConfig();
        foreach (var p in json.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Null) continue;
            try
            {
                config = WithField(config, p);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new FormatException($"Scheduler config field '{p.Name}' has an invalid value {p.Value.GetRawText()}: {e.Message}", e);
            }
        }
        return config;
    }

    private static SchedulerConfig WithField(SchedulerConfig config, JsonProperty p)
    {
        var v = p.Value;
        return p.Name switch
        {
            "num_train_timesteps" => config with { NumTrainTimesteps = v.GetInt32() },
            "beta_start" => config with { BetaStart = v.GetDouble() },
            "beta_end" => config with { BetaEnd = v.GetDouble() },
            "beta_schedule" => config with { BetaSchedule = RequireString(p) },
            "trained_betas" => config with { TrainedBetas = v.EnumerateArray().Select(b => b.GetDouble()).ToArray() },
            "prediction_type" => config with { PredictionType = RequireString(p) },
            "timestep_spacing" => config with { TimestepSpacing = RequireString(p) },
            "steps_offset" => config with { StepsOffset = v.GetInt32() },
            "set_alpha_to_one" => config with { SetAlphaToOne = v.GetBoolean() },
            "skip_prk_steps" => config with { SkipPrkSteps = v.GetBoolean() },
            "clip_sample" => config with { ClipSample = v.GetBoolean() },
            "clip_sample_range" => config with { ClipSampleRange = v.GetDouble() },
            "use_karras_sigmas" => config with { UseKarrasSigmas = v.GetBoolean() },
            _ => config,
        };
    }

    /// <summary>
    /// Parses JSON as Python's json module writes it: bare NaN/Infinity/-Infinity values (diffusers saves
    /// lambda_min_clipped = -inf) are read as null, which no field here needs.
    /// </summary>
    internal static JsonDocument ParsePythonJson(string text) =>
        JsonDocument.Parse(PythonNonFinite().Replace(text, "null"));

    [GeneratedRegex(@"(?<=[:\[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])")]
    private static partial Regex PythonNonFinite();

    private static string RequireString(JsonProperty p) =>
        p.Value.ValueKind == JsonValueKind.String
            ? p.Value.GetString()!
            : throw new FormatException($"Scheduler config field '{p.Name}' must be a string, got {p.Value.ValueKind}.");
}
