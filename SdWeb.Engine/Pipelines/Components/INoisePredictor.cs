using TorchSharp;

namespace SdWeb.Engine.Pipelines.Components;

/// <summary>The UNet: predicts the noise of a latent batch at a timestep, conditioned on text embeddings.</summary>
internal interface INoisePredictor
{
    /// <param name="timestep">0-d tensor on the model's device (float32).</param>
    /// <summary>Channels of the sample: 4, or 9 for an inpainting UNet (latents + mask + masked-image latents).</summary>
    int InChannels => 4;

    torch.Tensor PredictNoise(torch.Tensor sample, torch.Tensor timestep, torch.Tensor encoderHiddenStates);
}
