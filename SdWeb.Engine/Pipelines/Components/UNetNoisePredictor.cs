using SdWeb.Engine.Models.Unet;
using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

internal sealed class UNetNoisePredictor(UNet2DConditionModel unet) : INoisePredictor
{
    public int InChannels => unet.Config.InChannels;

    public torch.Tensor PredictNoise(torch.Tensor sample, torch.Tensor timestep, torch.Tensor encoderHiddenStates) =>
        unet.forward(sample, timestep, encoderHiddenStates);
}
