using System.Text.Json;

namespace SdWeb.Engine.Devices;

/// <summary>The CPU calibrations made so far, one per <see cref="MachineKey"/>, in a JSON file in the engine's cache folder.</summary>
internal sealed class CpuCalibrationCache(string folder)
{
    public const string FileName = "cpu-dtype-calibration.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string FilePath { get; } = Path.Combine(folder, FileName);

    public CpuCalibrationResult? Find(string key) => ReadAll().GetValueOrDefault(key);

    public void Save(CpuCalibrationResult result)
    {
        var all = ReadAll();
        all[result.Key] = result;
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        var temporary = FilePath + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(all, Json));
        File.Move(temporary, FilePath, overwrite: true); // never a half-written cache
    }

    /// <summary>An unreadable file counts as empty: the calibration runs again and rewrites it.</summary>
    private Dictionary<string, CpuCalibrationResult> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, CpuCalibrationResult>>(File.ReadAllText(FilePath), Json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
