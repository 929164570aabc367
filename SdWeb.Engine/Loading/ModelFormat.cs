namespace SdWeb.Engine.Loading;

public enum ModelFormat
{
    /// <summary>A folder with model_index.json and unet/, vae/, text_encoder/, tokenizer/, scheduler/ (diffusers' save_pretrained).</summary>
    DiffusersFolder,

    /// <summary>One original-format (CompVis/LDM) .safetensors checkpoint, as AUTOMATIC1111 and ComfyUI keep them.</summary>
    SingleFile,
}
