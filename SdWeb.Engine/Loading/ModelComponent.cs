namespace SdWeb.Engine.Loading;

/// <summary>One model of a Stable Diffusion checkpoint: its config and where its weights (under diffusers names) come from.</summary>
internal sealed record ModelComponent<TConfig>(TConfig Config, IWeightSource Weights) where TConfig : class;
