namespace SdWeb.ModelFiles;

/// <summary>What a file under ModelsDir is, by the AUTOMATIC1111 folder it sits in.</summary>
public enum ModelKind
{
    /// <summary>A Stable Diffusion model: a diffusers folder or a single checkpoint file in <c>models/</c>.</summary>
    Checkpoint,

    /// <summary>A separate VAE in <c>models/VAE</c>.</summary>
    Vae,

    /// <summary>A LoRA in <c>models/Lora</c>.</summary>
    Lora,

    /// <summary>A textual-inversion embedding in <c>models/embeddings</c>.</summary>
    Embedding,
}
