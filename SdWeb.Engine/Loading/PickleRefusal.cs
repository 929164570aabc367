namespace SdWeb.Engine.Loading;

/// <summary>
/// PyTorch pickle checkpoints (.ckpt, .bin, .pt, .pth, or any file whose bytes are a torch zip/pickle) are never
/// read: unpickling runs whatever code the file names. This explains that and how to get a safetensors file instead.
/// </summary>
internal static class PickleRefusal
{
    private static readonly string[] PickleExtensions = [".ckpt", ".bin", ".pt", ".pth", ".pkl", ".pickle"];

    public static bool HasPickleExtension(string path) =>
        PickleExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>True for a torch.save zip archive ("PK\x03\x04") or a raw pickle (protocol 2–5 opcode).</summary>
    public static bool LooksLikePickle(ReadOnlySpan<byte> head) =>
        (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4) ||
        (head.Length >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5);

    public static ModelLoadException Refuse(string path, string? component = null) => new(
        $"{path}: {(component is null ? "" : $"the {component} weights are ")}a PyTorch pickle checkpoint, which SdWeb never loads: " +
        "unpickling a file can run arbitrary code hidden in it. Use a .safetensors file instead: download the model's " +
        ".safetensors variant (most models on Hugging Face and Civitai offer one), or convert it yourself in Python, e.g. " +
        "`python -c \"import torch, safetensors.torch as st; sd = torch.load('model.ckpt', map_location='cpu', weights_only=True); " +
        "st.save_file(sd.get('state_dict', sd), 'model.safetensors')\"` (weights_only=True refuses code), or for a diffusers folder " +
        "`pipe = StableDiffusionPipeline.from_pretrained(dir); pipe.save_pretrained(dir, safe_serialization=True)`.");
}
