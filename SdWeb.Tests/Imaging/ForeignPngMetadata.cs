using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Imaging;

/// <summary>
/// PNG text chunks as ComfyUI (SaveImage: "prompt" and "workflow", JSON) and InvokeAI ("invokeai_metadata" 3.x+,
/// "sd-metadata" 2.x) write them; the shapes follow their sources (ComfyUI's default graph, InvokeAI's core metadata).
/// </summary>
public static class ForeignPngMetadata
{
    /// <summary>ComfyUI's default text-to-image graph, as its "prompt" chunk holds it.</summary>
    public const string ComfyDefaultGraph = """
        {"3": {"inputs": {"seed": 156680208700286, "steps": 20, "cfg": 8, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 1,
                          "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]}, "class_type": "KSampler"},
         "4": {"inputs": {"ckpt_name": "v1-5-pruned-emaonly.safetensors"}, "class_type": "CheckpointLoaderSimple"},
         "5": {"inputs": {"width": 512, "height": 768, "batch_size": 1}, "class_type": "EmptyLatentImage"},
         "6": {"inputs": {"text": "beautiful scenery nature glass bottle landscape, purple galaxy bottle,", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
         "7": {"inputs": {"text": "text, watermark", "clip": ["4", 1]}, "class_type": "CLIPTextEncode"},
         "8": {"inputs": {"samples": ["3", 0], "vae": ["4", 2]}, "class_type": "VAEDecode"},
         "9": {"inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}, "class_type": "SaveImage"}}
        """;

    /// <summary>The UI graph ComfyUI stores beside it ("workflow"); SdWeb reads the executed "prompt" graph.</summary>
    public const string ComfyWorkflow = """{"last_node_id": 9, "last_link_id": 9, "nodes": [{"id": 3, "type": "KSampler", "widgets_values": [156680208700286, "randomize", 20, 8, "dpmpp_2m", "karras", 1]}], "links": [], "version": 0.4}""";

    /// <summary>InvokeAI 3.x core metadata (its model as model_name/base_model).</summary>
    public const string InvokeCore = """
        {"generation_mode": "txt2img", "positive_prompt": "a cozy cabin in the woods, winter", "negative_prompt": "blurry, lowres",
         "width": 640, "height": 512, "seed": 3938174821, "rand_device": "cpu", "cfg_scale": 6.5, "cfg_rescale_multiplier": 0,
         "steps": 30, "scheduler": "dpmpp_2m_k", "clip_skip": 0,
         "model": {"model_name": "stable-diffusion-v1-5", "base_model": "sd-1", "model_type": "main"}, "app_version": "3.6.2"}
        """;

    /// <summary>InvokeAI 2.x "sd-metadata".</summary>
    public const string InvokeLegacy = """
        {"model": "stable diffusion", "model_weights": "stable-diffusion-1.5", "model_hash": "cc6cb27103417325ff94f52b7a5d2dde45a7515b25c255d8e396c90014281516",
         "app_id": "invoke-ai/InvokeAI", "app_version": "2.2.4",
         "image": {"prompt": [{"prompt": "a red fox in the snow", "weight": 1.0}], "steps": 50, "cfg_scale": 7.5, "threshold": 0, "perlin": 0,
                   "height": 512, "width": 576, "seed": 42, "seamless": false, "hires_fix": false, "type": "txt2img", "postprocessing": null,
                   "sampler": "k_euler_a", "variations": []}}
        """;

    /// <summary>An 8×8 PNG with the given text chunks (tEXt, as ComfyUI's and InvokeAI's Pillow writes them).</summary>
    public static byte[] Png(params (string Keyword, string Text)[] chunks)
    {
        using var image = new Image<Rgb24>(8, 8, new Rgb24(40, 80, 120));
        var png = image.Metadata.GetPngMetadata();
        foreach (var (keyword, text) in chunks) png.TextData.Add(new PngTextData(keyword, text, string.Empty, string.Empty));
        using var output = new MemoryStream();
        image.SaveAsPng(output, new PngEncoder { TextCompressionThreshold = int.MaxValue });
        return output.ToArray();
    }
}
