using System.Diagnostics;
using System.Reflection;
using SdWeb.Engine.Devices;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Kernels;
using SdWeb.Engine.Networks;
using SdWeb.Engine.Pipelines.Components;
using SdWeb.Engine.Pipelines.Inpainting;
using SdWeb.Engine.Pipelines.Previews;
using SdWeb.Engine.Pipelines.Tiling;
using SdWeb.Engine.Pipelines.Validation;
using SdWeb.Engine.Prompts;
using SdWeb.Engine.Schedulers;
using TorchSharp;

namespace SdWeb.Engine.Pipelines;

/// <summary>
/// diffusers 0.24's StableDiffusionPipeline and StableDiffusionImg2ImgPipeline in one loop: same prompt-embedding
/// order, same draws from one CPU generator, same classifier-free guidance, same decode and postprocessing.
/// </summary>
internal sealed partial class StableDiffusionPipeline : IImagePipeline
{
    /// <summary>Latent pixels per image pixel side (2^(VAE blocks − 1) for SD v1).</summary>
    public const int LatentScale = 8;

    public static string EngineVersion { get; } =
        typeof(StableDiffusionPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private readonly StableDiffusionComponents _components;
    private readonly GenerationLimits _limits;
    private readonly LatentPreviewer _previewer;

    public StableDiffusionPipeline(StableDiffusionComponents components, GenerationLimits? limits = null)
    {
        _components = components;
        _limits = limits ?? GenerationLimits.Default;
        _previewer = new LatentPreviewer(components.Placement.Device);
    }

    public ModelDescriptor Model => _components.Model;

    public int CountTokens(string prompt) => _components.TextEncoder.CountTokens(prompt);

    public GenerationResult Generate(GenerationRequest request, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long seed = request.Seed ?? Seeds.Random();
        request = VariationRequests.WithSubseed(request);
        using var run = Run(request, seed, progress, cancellationToken);
        return ToResult(run, request, seed, clock.Elapsed);
    }

    /// <summary>The images of a run in batch order, each with its prompt, and the parameters that reproduce them.</summary>
    internal GenerationResult ToResult(DiffusionRun run, GenerationRequest request, long seed, TimeSpan duration)
    {
        var images = new List<GeneratedImage>();
        for (int k = 0; k < run.Images.shape[0]; k++)
        {
            using var hwc = run.Images[k];
            int promptIndex = k / request.ImagesPerPrompt;
            images.Add(new GeneratedImage(TensorImages.ToImage(hwc), request.Prompts[promptIndex], NegativePromptOf(request, promptIndex), k));
        }
        return new GenerationResult(images, ParametersOf(request, seed, run.KernelsRan), duration);
    }

    /// <summary>The whole generation, returning diffusers' tensors. <see cref="Generate"/> is this plus image conversion.</summary>
    internal DiffusionRun Run(GenerationRequest request, long seed, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        GenerationRequestValidator.ThrowIfInvalid(request, _limits);
        ThrowIfInpaintingModelWithoutMask(request);
        cancellationToken.ThrowIfCancellationRequested();
        // No collection, so no finalizer, runs under a TorchSharp op (see CollectionPause).
        using var pause = CollectionPause.Start();
        // Restored when the run ends, however it ends (done, cancelled, failed).
        using var loras = MergeLoras(request);
        using var tiling = TilingFor(request);
        using var kernels = KernelsFor(request);
        var embeddings = request.Embeddings.Count == 0 ? [] : TextualInversionFile.ReadAll(request.Embeddings, ClipEncoder().HiddenSize);
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            using var generator = new torch.Generator((ulong)seed, torch.CPU);
            var kernelUse = KernelUse.Now();
            var run = Sample(request, seed, embeddings, generator, progress, cancellationToken) with { KernelsRan = KernelUse.Since(kernelUse) };
            scope.MoveToOuter(run.PromptEmbeds, run.Timesteps, run.LatentsFinal, run.DecodedRaw, run.Images);
            if (run.InitialNoise is not null) scope.MoveToOuter(run.InitialNoise);
            return run;
        }
        catch (Exception e) when (OutOfMemory.IsOutOfMemory(e))
        {
            throw OutOfMemory.Explain(e, _components.Model.Device);
        }
        finally
        {
            foreach (var embedding in embeddings) embedding.Vectors.Dispose();
        }
    }

    private MergedLoras? MergeLoras(GenerationRequest request)
    {
        if (request.Loras.Count == 0) return null;
        var targets = _components.LoraTargets
            ?? throw new InvalidOperationException("These components expose no weights to merge LoRAs into.");
        return MergedLoras.Apply(targets, request.Loras);
    }

    private CircularConvolutions? TilingFor(GenerationRequest request)
    {
        if (!request.Tiling) return null;
        var models = _components.UNetAndVae
            ?? throw new InvalidOperationException("These components expose no convolutions to tile.");
        return CircularConvolutions.Enable(models);
    }

    private KernelSelection? KernelsFor(GenerationRequest request) => _components.UNetAndVae is { } models
        ? KernelSelection.For(models, _components.Placement, KernelSelection.Allowing(_components.Placement, request.Kernels))
        : null;

    private DiffusionRun Sample(GenerationRequest request, long seed, IReadOnlyList<TextualInversionEmbedding> embeddings, torch.Generator generator, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var (device, dtype) = (_components.Placement.Device, _components.Placement.DType);
        bool guided = request.CfgScale > 1.0;
        int batch = request.Prompts.Count * request.ImagesPerPrompt;

        var a1111 = request.PromptSyntax == PromptSyntax.A1111 ? A1111GuidanceFor(request, embeddings) : null;
        var promptEmbeds = a1111?.EmbeddingsAtStart() ?? EncodePrompts(request, embeddings, guided);

        using var scheduler = SchedulerFactory.Create(request.Sampler, SchedulerConfigFor(request));
        scheduler.SetTimesteps(request.Steps);
        int start = request.InitImage is null ? 0 : Img2ImgSchedule.StartIndex(request.Steps, request.Strength, scheduler.Order);
        var timesteps = scheduler.Timesteps.narrow(0, start, scheduler.Timesteps.shape[0] - start);

        torch.Tensor? initialNoise = null;
        torch.Tensor latents;
        InpaintConditioning? inpaint = null;
        long[] latentShape = [batch, 4, request.Height / LatentScale, request.Width / LatentScale];
        if (request.InitImage is null)
        {
            // Variation noise comes from its own per-seed generators; the pipeline's generator then only feeds the sampler.
            initialNoise = VariationRequests.Applies(request)
                ? VariationNoise.Randn(latentShape, seed, request.Subseed!.Value, request.SubseedStrength, dtype, device)
                : SeededNoise.Randn(latentShape, dtype, device, generator);
            latents = initialNoise * scheduler.InitNoiseSigma;
        }
        else if (request.Mask is not null)
        {
            inpaint = PrepareInpainting(request, batch, guided, scheduler, timesteps, generator);
            latents = inpaint.StartLatents;
        }
        else
        {
            latents = NoisedInitLatents(request, batch, scheduler, timesteps, generator);
        }

        int hiresSteps = request.Hires is { } hires ? Img2ImgSchedule.StepsToRun(hires.ScheduleSteps(request.Steps), hires.Denoise) : 0;
        var pass = new DenoisingPass(scheduler, timesteps, 0, (int)timesteps.shape[0] + hiresSteps, Stopwatch.StartNew(), inpaint, a1111);
        latents = Denoise(request, pass, latents, promptEmbeds, guided, generator, progress, cancellationToken);
        if (request.Hires is not null)
            (timesteps, latents) = HiresPass(request, pass, latents, promptEmbeds, guided, seed, progress, cancellationToken);

        if (!AllFinite(latents))
            throw new GenerationFailedException(
                "The UNet produced NaN or infinite values while sampling (a known fp16 overflow of some models). Try fp32 or bf16.");

        var decoded = DecodeChecked(latents);
        return new DiffusionRun(promptEmbeds, initialNoise, timesteps, latents, decoded, FinishImages(request, decoded));
    }

    /// <summary>One run of the denoising loop: a scheduler, its timesteps, and where its steps fall in the job's progress.</summary>
    /// <remarks>
    /// With A1111 syntax the guidance's step counter restarts at 0 in a hires pass (the first pass's schedule); A1111 builds
    /// a separate hires schedule, which differs only for prompts that edit themselves over the steps.
    /// </remarks>
    private sealed record DenoisingPass(IScheduler Scheduler, torch.Tensor Timesteps, int StepsBefore, int Total, Stopwatch Clock,
        InpaintConditioning? Inpaint, A1111Guidance? A1111);

    private torch.Tensor Denoise(GenerationRequest request, DenoisingPass pass, torch.Tensor latents, torch.Tensor promptEmbeds, bool guided,
        torch.Generator generator, IProgress<StepProgress>? progress, CancellationToken cancellationToken)
    {
        var (scheduler, timesteps) = (pass.Scheduler, pass.Timesteps);
        var timestepsOnDevice = timesteps.to(_components.Placement.Device);
        TimeSpan? lastPreviewAt = null;
        int count = (int)timesteps.shape[0];
        for (int i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var pause = CollectionPause.Start(); // a new region if other threads used up the last one's budget
            using var stepScope = torch.NewDisposeScope();
            var t = timesteps[i];
            var noisePred = pass.A1111 is { } a1111
                ? a1111.PredictNoise(_components.Unet, UnetInput(pass, scheduler.ScaleModelInput(latents, t)), timestepsOnDevice[i], i, request.CfgScale)
                : PredictGuided(request, pass, latents, t, timestepsOnDevice[i], promptEmbeds, guided);
            var step = scheduler.Step(noisePred, t, latents, generator);
            var next = pass.Inpaint is null ? step.PrevSample : pass.Inpaint.AfterStep(step.PrevSample, i);
            // Schedulers keep copies of what they need, so the previous latents can go now.
            var previous = latents;
            latents = next.MoveToOuterDisposeScope();
            previous.Dispose();
            if (progress is not null)
                lastPreviewAt = ReportStep(progress, request, pass.StepsBefore + i + 1, pass.Total, pass.Clock.Elapsed, lastPreviewAt, step.PredOriginalSample);
        }
        return latents;
    }

    /// <summary>The model's scheduler config, with the request's timestep spacing when it overrides the model's.</summary>
    private SchedulerConfig SchedulerConfigFor(GenerationRequest request) => request.TimestepSpacing is { } spacing
        ? _components.SchedulerConfig with { TimestepSpacing = spacing }
        : _components.SchedulerConfig;

    /// <summary>diffusers' step: the UNet on [uncond, cond] latents at once, then classifier-free guidance.</summary>
    private torch.Tensor PredictGuided(GenerationRequest request, DenoisingPass pass, torch.Tensor latents, torch.Tensor t, torch.Tensor timestep,
        torch.Tensor promptEmbeds, bool guided)
    {
        var modelInput = UnetInput(pass, pass.Scheduler.ScaleModelInput(guided ? torch.cat([latents, latents]) : latents, t));
        var noisePred = _components.Unet.PredictNoise(modelInput, timestep, promptEmbeds);
        if (!guided) return noisePred;
        var halves = noisePred.chunk(2);
        return halves[0] + request.CfgScale * (halves[1] - halves[0]);
    }

    /// <summary>A 9-channel inpainting UNet takes the mask and the masked image's latents beside the latents.</summary>
    private static torch.Tensor UnetInput(DenoisingPass pass, torch.Tensor scaled) =>
        pass.Inpaint is null ? scaled : pass.Inpaint.UnetInput(scaled);

    /// <summary>[negative…, prompt…] (or just the prompts without guidance), each repeated per image in diffusers' order.</summary>
    private torch.Tensor EncodePrompts(GenerationRequest request, IReadOnlyList<TextualInversionEmbedding> embeddings, bool guided)
    {
        var conditional = Encode(request.Prompts, embeddings, request.ClipSkip).repeat_interleave(request.ImagesPerPrompt, dim: 0);
        if (!guided) return conditional;
        var negatives = Enumerable.Range(0, request.Prompts.Count).Select(p => NegativePromptOf(request, p)).ToList();
        var unconditional = Encode(negatives, embeddings, request.ClipSkip).repeat_interleave(request.ImagesPerPrompt, dim: 0);
        return torch.cat([unconditional, conditional]);
    }

    private torch.Tensor Encode(IReadOnlyList<string> prompts, IReadOnlyList<TextualInversionEmbedding> embeddings, int clipSkip) =>
        embeddings.Count == 0 ? _components.TextEncoder.Encode(prompts, clipSkip) : ClipEncoder().Encode(prompts, embeddings, clipSkip);

    private ClipPromptEncoder ClipEncoder() => _components.TextEncoder as ClipPromptEncoder
        ?? throw new InvalidOperationException("This prompt encoder takes no textual-inversion embeddings.");

    /// <summary>
    /// A1111 syntax: each image's prompt and negative prompt, scheduled over the requested steps (the sampling calls
    /// count from 0 at the first step run, img2img included, as A1111's denoiser counts).
    /// </summary>
    private A1111Guidance A1111GuidanceFor(GenerationRequest request, IReadOnlyList<TextualInversionEmbedding> embeddings)
    {
        var encoder = _components.A1111TextEncoder
            ?? throw new InvalidOperationException("This model was loaded without the A1111 text encoder wrapper.");
        var conditioning = new A1111Conditioning(encoder, embeddings, request.Steps, request.ClipSkip);
        int batch = request.Prompts.Count * request.ImagesPerPrompt;
        var prompts = Enumerable.Range(0, batch).Select(k => request.Prompts[k / request.ImagesPerPrompt]).ToList();
        var negatives = Enumerable.Range(0, batch).Select(k => NegativePromptOf(request, k / request.ImagesPerPrompt)).ToList();
        return new A1111Guidance(conditioning, prompts, negatives, request.PadCondUncond);
    }

    /// <summary>img2img's prepare_latents: one VAE sample of the init image (scaled, repeated per image), noised to the first timestep.</summary>
    private torch.Tensor NoisedInitLatents(GenerationRequest request, int batch, IScheduler scheduler, torch.Tensor timesteps, torch.Generator generator)
    {
        var vae = _components.Vae;
        var image = TensorImages.ToModelInput(request.InitImage!, request.Width, request.Height, _components.Placement.Device, vae.DType);
        var initLatents = (vae.EncodeSample(image, generator) * vae.ScalingFactor).to(_components.Placement.DType);
        initLatents = torch.cat(Enumerable.Repeat(initLatents, batch).ToArray());
        var noise = SeededNoise.Randn(initLatents, generator);
        return scheduler.AddNoise(initLatents, noise, timesteps.narrow(0, 0, 1).repeat(batch));
    }

    /// <returns>When the last preview was made (this step's elapsed time if it made one).</returns>
    private TimeSpan? ReportStep(IProgress<StepProgress> progress, GenerationRequest request, int done, int total, TimeSpan elapsed,
        TimeSpan? lastPreviewAt, torch.Tensor predictedOriginal)
    {
        bool fullPreview = request.FullPreviewEvery > 0 && done % request.FullPreviewEvery == 0;
        bool cheapPreviewDue = lastPreviewAt is not { } last || elapsed - last >= request.MinPreviewInterval;
        PreviewImage? preview = null;
        if (fullPreview)
        {
            using var first = Decode(predictedOriginal.narrow(0, 0, 1));
            using var hwc = TensorImages.Postprocess(first)[0];
            preview = new PreviewImage((int)hwc.shape[1], (int)hwc.shape[0], TensorImages.ToRgbBytes(hwc), IsFullDecode: true);
        }
        else if (cheapPreviewDue)
        {
            preview = _previewer.Preview(predictedOriginal[0]);
        }
        var eta = TimeSpan.FromTicks(elapsed.Ticks / done * (total - done));
        progress.Report(new StepProgress(done, total, elapsed, eta, preview));
        return preview is null ? lastPreviewAt : elapsed;
    }

    private torch.Tensor Decode(torch.Tensor latents)
    {
        var vae = _components.Vae;
        return vae.Decode((latents / vae.ScalingFactor).to(vae.DType));
    }

    /// <summary>Decodes; a non-finite fp16/bf16 decode is retried with the VAE upcast to fp32 (diffusers' force_upcast cure).</summary>
    private torch.Tensor DecodeChecked(torch.Tensor latents)
    {
        var decoded = Decode(latents);
        if (AllFinite(decoded)) return decoded;
        if (_components.Vae.DType != torch.ScalarType.Float32)
        {
            _components.Vae.UpcastToFloat32();
            decoded = Decode(latents);
            if (AllFinite(decoded)) return decoded;
        }
        throw new GenerationFailedException(
            "The VAE decoded NaN or infinite values, even in fp32. The latents are out of range: try another seed, sampler or a lower CFG scale.");
    }

    private static bool AllFinite(torch.Tensor t)
    {
        using var finite = torch.isfinite(t).all();
        return finite.item<bool>();
    }

    private static string NegativePromptOf(GenerationRequest request, int promptIndex) => request.NegativePrompts.Count switch
    {
        0 => "",
        1 => request.NegativePrompts[0],
        _ => request.NegativePrompts[promptIndex],
    };

    private GenerationParameters ParametersOf(GenerationRequest request, long seed, KernelChoice kernelsRan) => new(
        _components.Model.Name, _components.Model.Hash, request.Sampler, request.Steps, request.CfgScale, seed,
        request.Width, request.Height, request.ImagesPerPrompt, request.InitImage is null ? null : request.Strength,
        _components.Model.DType, _components.Model.Device, EngineVersion)
    {
        Kernels = kernelsRan,
        LoraHashes = NetworkHashes.OfLoras(request),
        EmbeddingHashes = NetworkHashes.OfUsedEmbeddings(request),
        Subseed = VariationRequests.Applies(request) ? request.Subseed : null,
        SubseedStrength = VariationRequests.Applies(request) ? request.SubseedStrength : 0,
        TimestepSpacing = request.TimestepSpacing,
        ClipSkip = request.ClipSkip,
        PromptSyntax = request.PromptSyntax,
        Tiling = request.Tiling,
        Hires = request.Hires,
        Vae = _components.Model.VaeName,
        VaeHash = _components.Model.VaeHash,
        MaskBlur = request.Mask is null ? null : request.MaskBlur,
        InvertMask = request.Mask is not null && request.InvertMask,
        InpaintOnlyMaskedPadding = request.Mask is not null && request.InpaintOnlyMasked ? request.InpaintPadding : null,
    };

    public void Dispose()
    {
        _previewer.Dispose();
        _components.Owner.Dispose();
    }
}
