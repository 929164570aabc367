using TorchSharp;
using static TorchSharp.torch;

namespace SdWeb.Engine.Loading;

/// <summary>
/// Fills a module's parameters and buffers from a weight source by name, one tensor at a time, copied into storage
/// the module already holds on its final device and dtype (modules are built there; see Devices.ModelPlacement). Every mismatch is reported together: missing keys, unexpected keys, wrong shapes.
/// </summary>
internal static class ModuleWeightLoader
{
    /// <param name="optionalNames">Module entries the source may lack (e.g. CLIP's position_ids buffer).</param>
    /// <param name="ignoredSourceNames">Source entries the module does not use and that are not an error.</param>
    public static void Load(nn.Module module, IWeightSource source,
        Func<string, bool>? optionalNames = null, Func<string, bool>? ignoredSourceNames = null)
    {
        var targets = Check(module, source, optionalNames, ignoredSourceNames);
        var sourceNames = source.Names.ToHashSet(StringComparer.Ordinal);
        using var _ = no_grad();
        foreach (var (name, target) in targets)
        {
            if (!sourceNames.Contains(name)) continue;
            // Read at the file's dtype on the CPU; copy_ converts and moves it into the module's own storage,
            // so only one tensor is ever held twice.
            using var value = source.Read(name, source.DTypeOf(name), CPU);
            target.copy_(value);
        }
    }

    /// <summary>
    /// Checks, without reading any weight, that the source fits the module (also one built on the "meta" device);
    /// throws the report of every mismatch. Returns the module's parameters and buffers by name.
    /// </summary>
    public static Dictionary<string, Tensor> Check(nn.Module module, IWeightSource source,
        Func<string, bool>? optionalNames = null, Func<string, bool>? ignoredSourceNames = null)
    {
        var targets = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, p) in module.named_parameters()) targets[name] = p;
        foreach (var (name, b) in module.named_buffers()) targets[name] = b;

        var sourceNames = source.Names.ToHashSet(StringComparer.Ordinal);
        var missing = targets.Keys.Where(n => !sourceNames.Contains(n) && !(optionalNames?.Invoke(n) ?? false)).Order().ToList();
        var unexpected = sourceNames.Where(n => !targets.ContainsKey(n) && !(ignoredSourceNames?.Invoke(n) ?? false)).Order().ToList();
        var badShapes = targets.Where(kv => sourceNames.Contains(kv.Key) && !source.ShapeOf(kv.Key).SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: file has [{string.Join(",", source.ShapeOf(kv.Key))}], model expects [{string.Join(",", kv.Value.shape)}]")
            .Order().ToList();
        var badTypes = sourceNames.Where(n => targets.ContainsKey(n) && !IsFloating(source.DTypeOf(n)) && IsFloating(targets[n].dtype))
            .Select(n => $"{n}: file has {source.DTypeOf(n)}, model expects a floating-point tensor").Order().ToList();

        if (missing.Count + unexpected.Count + badShapes.Count + badTypes.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys ({missing.Count}): {Summarize(missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys ({unexpected.Count}): {Summarize(unexpected)}");
            if (badShapes.Count > 0) parts.Add($"shape mismatches ({badShapes.Count}): {Summarize(badShapes)}");
            if (badTypes.Count > 0) parts.Add($"dtype mismatches ({badTypes.Count}): {Summarize(badTypes)}");
            throw new ModelLoadException(
                $"{source.Description}: the weights do not fit {module.GetType().Name}: {string.Join("; ", parts)}. " +
                "Check that the file belongs to a Stable Diffusion v1 model and that its config matches.");
        }

        return targets;
    }

    private static bool IsFloating(ScalarType t) =>
        t is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float64;

    private static string Summarize(List<string> items) =>
        items.Count <= 12 ? string.Join(", ", items) : string.Join(", ", items.Take(12)) + $", … ({items.Count - 12} more)";
}
