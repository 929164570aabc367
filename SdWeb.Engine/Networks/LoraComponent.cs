namespace SdWeb.Engine.Networks;

/// <summary>The model a LoRA layer changes.</summary>
internal enum LoraComponent
{
    TextEncoder,
    Unet,
}
