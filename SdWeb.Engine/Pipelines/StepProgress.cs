namespace SdWeb.Engine.Pipelines;

/// <summary>Reported after each sampling step. <see cref="Preview"/> is small and cheap (latent → RGB), or a full decode when asked.</summary>
public sealed record StepProgress(int Step, int TotalSteps, TimeSpan Elapsed, TimeSpan Eta, PreviewImage? Preview);

/// <summary>An RGB preview of the first image of the batch: Width × Height × 3 bytes, row-major.</summary>
public sealed record PreviewImage(int Width, int Height, byte[] Rgb, bool IsFullDecode);
