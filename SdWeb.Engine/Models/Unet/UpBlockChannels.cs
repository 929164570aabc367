namespace SdWeb.Engine.Models.Unet;

/// <summary>The input width of an up block's resnet: what comes from below plus the skip state concatenated to it.</summary>
internal static class UpBlockChannels
{
    public static int ResnetInput(int layer, int numLayers, int inChannels, int outChannels, int prevOutputChannel)
    {
        var skipChannels = layer == numLayers - 1 ? inChannels : outChannels;
        var fromBelow = layer == 0 ? prevOutputChannel : outChannels;
        return fromBelow + skipChannels;
    }
}
