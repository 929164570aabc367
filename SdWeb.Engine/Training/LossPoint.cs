namespace SdWeb.Engine.Training;

/// <summary>The mean loss of the steps up to <paramref name="Step"/> of a stage ("vae" or "diffusion").</summary>
internal sealed record LossPoint(string Stage, int Step, double Loss, double Seconds);
