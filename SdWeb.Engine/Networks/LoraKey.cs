namespace SdWeb.Engine.Networks;

/// <summary>
/// One entry of a LoRA file, parsed: the model it changes, the target module in "flat" form (the module's dotted
/// parameter path with '.' → '_', which is how kohya names modules) and which tensor it is.
/// </summary>
internal sealed record LoraKey(LoraComponent Component, string FlatModule, LoraPart Part)
{
    /// <summary>kohya/AUTOMATIC1111 (<c>lora_unet_…​.lora_down.weight</c>) and diffusers (<c>unet.….lora.down.weight</c>,
    /// <c>…lora_A.weight</c>, the older attention-processor <c>…processor.to_q_lora.down.weight</c>) keys.</summary>
    /// <returns>null for an entry that is not part of a LoRA layer (e.g. kohya's text-encoder-2 of SDXL).</returns>
    /// <exception cref="NotSupportedException">A LyCORIS variant (LoHa, LoKr, …) this engine does not merge.</exception>
    public static LoraKey? Parse(string key)
    {
        if (key.StartsWith("lora_unet_", StringComparison.Ordinal)) return Kohya(LoraComponent.Unet, key["lora_unet_".Length..], key);
        if (key.StartsWith("lora_te_", StringComparison.Ordinal)) return Kohya(LoraComponent.TextEncoder, key["lora_te_".Length..], key);
        if (key.StartsWith("unet.", StringComparison.Ordinal)) return Diffusers(LoraComponent.Unet, key["unet.".Length..]);
        if (key.StartsWith("text_encoder.", StringComparison.Ordinal)) return Diffusers(LoraComponent.TextEncoder, key["text_encoder.".Length..]);
        // The first diffusers format (attention processors) had no "unet." prefix.
        return key.Contains(".processor.", StringComparison.Ordinal) ? Diffusers(LoraComponent.Unet, key) : null;
    }

    private static LoraKey Kohya(LoraComponent component, string rest, string key)
    {
        int dot = rest.IndexOf('.');
        if (dot < 0) throw new FormatException($"'{key}' names no LoRA tensor (expected …lora_down.weight, …lora_up.weight or …alpha)");
        var part = rest[(dot + 1)..] switch
        {
            "lora_down.weight" => LoraPart.Down,
            "lora_up.weight" => LoraPart.Up,
            "alpha" => LoraPart.Alpha,
            var other => throw new NotSupportedException(
                $"'{key}': '{other}' belongs to a LoRA variant this engine does not merge (LyCORIS LoHa/LoKr/LoCon-mid/DoRA); only plain LoRA and LoCon are supported"),
        };
        return new LoraKey(component, rest[..dot], part);
    }

    private static readonly (string Suffix, LoraPart Part)[] DiffusersSuffixes =
    [
        (".lora.down.weight", LoraPart.Down), (".lora.up.weight", LoraPart.Up),
        (".lora_linear_layer.down.weight", LoraPart.Down), (".lora_linear_layer.up.weight", LoraPart.Up),
        (".lora_A.weight", LoraPart.Down), (".lora_B.weight", LoraPart.Up),
        ("_lora.down.weight", LoraPart.Down), ("_lora.up.weight", LoraPart.Up),
        (".alpha", LoraPart.Alpha),
    ];

    private static LoraKey? Diffusers(LoraComponent component, string rest)
    {
        foreach (var (suffix, part) in DiffusersSuffixes)
        {
            if (!rest.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var module = rest[..^suffix.Length];
            // Attention-processor files name the projection after the processor ("attn1.processor.to_q"); the model's
            // module is "attn1.to_q", "attn1.to_out.0", or in CLIP "self_attn.q_proj".
            module = module.Replace(".processor.", ".", StringComparison.Ordinal);
            module = component == LoraComponent.TextEncoder ? ClipProjection(module) : UnetProjection(module);
            return new LoraKey(component, module.Replace('.', '_'), part);
        }
        return null;
    }

    private static string UnetProjection(string module) =>
        module.EndsWith(".to_out", StringComparison.Ordinal) ? module + ".0" : module;

    private static string ClipProjection(string module)
    {
        int dot = module.LastIndexOf('.');
        var last = module[(dot + 1)..] switch
        {
            "to_q" => "q_proj",
            "to_k" => "k_proj",
            "to_v" => "v_proj",
            "to_out" => "out_proj",
            var same => same,
        };
        return module[..(dot + 1)] + last;
    }
}
