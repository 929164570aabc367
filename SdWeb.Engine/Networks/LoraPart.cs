namespace SdWeb.Engine.Networks;

/// <summary>Which tensor of a LoRA layer a file entry holds.</summary>
internal enum LoraPart
{
    Down,
    Up,
    Alpha,
}
