using System.Text.Json;

namespace SdWeb.Engine.Devices;

/// <summary>Something the engine measured on one machine (<see cref="Key"/>), cached as JSON and reported in one log line.</summary>
internal interface ICalibration
{
    /// <summary>The machine and workload it holds for (<see cref="MachineKey"/> plus the workload's version).</summary>
    string Key { get; }

    /// <summary>One line for the log and for `bench`: the choice and the timings it was made from.</summary>
    string Describe(string origin);
}

/// <summary>The calibrations of one kind made so far, one per key, in a JSON file in the engine's cache folder.</summary>
internal sealed class CalibrationCache<TResult>(string folder, string fileName) where TResult : class, ICalibration
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string FilePath { get; } = Path.Combine(folder, fileName);

    public TResult? Find(string key) => ReadAll().GetValueOrDefault(key);

    public void Save(TResult result)
    {
        var all = ReadAll();
        all[result.Key] = result;
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(all, Json));
        File.Move(temporary, FilePath, overwrite: true); // never a half-written cache
    }

    /// <summary>
    /// The result for <paramref name="key"/>: found in <paramref name="fileName"/> under <see cref="EngineOptions.CacheDir"/>,
    /// or measured now and saved there; <see cref="EngineOptions.Log"/> says which.
    /// </summary>
    public static TResult FindOrMeasure(EngineOptions options, string fileName, string key, Func<string, TResult> measure)
    {
        var cache = options.CacheDir is null ? null : new CalibrationCache<TResult>(options.CacheDir, fileName);
        if (cache?.Find(key) is { } cached)
        {
            options.Log?.Invoke(cached.Describe($"cached in {cache.FilePath}"));
            return cached;
        }
        var measured = measure(key);
        cache?.Save(measured);
        options.Log?.Invoke(measured.Describe("measured now"));
        return measured;
    }

    /// <summary>An unreadable file counts as empty: the calibration runs again and rewrites it.</summary>
    private Dictionary<string, TResult> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, TResult>>(File.ReadAllText(FilePath), Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
