using SdWeb.Engine.Devices;

namespace SdWeb.Engine.Models.Unet;

/// <summary>The settings every UNet block shares, taken from the UNet config (diffusers passes them one by one).</summary>
internal sealed record UNetBlockSettings(
    int TembChannels,
    double ResnetEps,
    string ResnetActFn,
    int ResnetGroups,
    int CrossAttentionDim,
    int TransformerLayersPerBlock,
    bool UseLinearProjection,
    ModelPlacement Placement);
