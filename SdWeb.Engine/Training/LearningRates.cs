namespace SdWeb.Engine.Training;

/// <summary>The AdamW learning rates of the two stages, constant over each stage (gradients are clipped to norm 1).</summary>
internal sealed record LearningRates(double Vae = 1e-3, double Diffusion = 5e-4);
