using SdWeb.Engine.Training.Model;
using static TorchSharp.torch;

namespace SdWeb.Engine.Training;

/// <summary>
/// Stage 3 of the demo's training. The demo is run at guidance 7, as A1111 users run Stable Diffusion, but its captions
/// fix every picture, so the conditional prediction ε_c lies far from the unconditional ε_u and guidance 7 overshoots:
/// a triangle gets concave sides and is drawn as a star, a circle as a polygon (the fourth run: shape 68 % of 200
/// held-out captions at guidance 7, 87 % at guidance 3). Calibration fine-tunes the conditional prediction towards
/// ε_u + k (ε_c − ε_u), k = <see cref="Share"/>, so that guidance 7 on the calibrated model computes guidance
/// <see cref="CalibratedScale"/> of the plain one: ε_u + 7 k (ε_c − ε_u). The drawn noise ε stands in for ε_c (its
/// expectation given the noisy latents and the caption); ε_u is the model's own unconditional prediction.
/// </summary>
internal static class GuidanceCalibration
{
    /// <summary>The guidance scale whose pictures the demo's scale (<see cref="DemoModelTraining.CfgScale"/>) gives after calibration.</summary>
    public const double CalibratedScale = 3;

    public static double Share => CalibratedScale / DemoModelTraining.CfgScale;

    /// <summary>
    /// The training target for a batch: ε_u + k (ε − ε_u) for captioned pictures, ε for those with the empty caption (the
    /// unconditional prediction keeps learning the plain target).
    /// </summary>
    public static Tensor Target(DemoModel model, Tensor emptyTokenIds, Tensor noisy, Tensor timesteps, Tensor tokenIds, Tensor noise)
    {
        using var noGradients = no_grad();
        var batch = noisy.shape[0];
        var unconditional = model.UNet.forward(noisy, timesteps, model.TextEncoder.forward(emptyTokenIds.expand(batch, -1)));
        var captioned = tokenIds.ne(emptyTokenIds).any(1).view(-1, 1, 1, 1);
        return where(captioned, unconditional + (noise - unconditional) * Share, noise);
    }
}
