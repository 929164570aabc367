# SdWeb for NVIDIA GPU hosts: TorchSharp's CUDA build on the NVIDIA CUDA runtime.
#   docker build -t sdweb .
#   docker run --gpus all -p 8080:8080 -v sdweb-data:/data -v /path/to/models:/models sdweb
# (The default `dotnet build` uses the CPU libtorch; -p:TorchBackend=cuda selects TorchSharp-cuda-linux.
#  --build-arg TORCH_BACKEND=cpu builds the CPU libtorch instead, for docker-compose's cpu profile.)
# SdWeb/DemoModel/ (the trained demo model, when the repository has it) is published with the app and installed into
# /models on first run when /models holds no model.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TORCH_BACKEND=cuda
# A C compiler for the engine's native kernels (SdWeb.Engine/Kernels/*.c), which the build compiles.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props SdWeb.sln ./
COPY build/ build/
COPY SdWeb/SdWeb.csproj SdWeb/
COPY SdWeb.Engine/SdWeb.Engine.csproj SdWeb.Engine/
RUN dotnet restore SdWeb/SdWeb.csproj -p:TorchBackend=$TORCH_BACKEND
COPY SdWeb/ SdWeb/
COPY SdWeb.Engine/ SdWeb.Engine/
COPY wwwroot/ wwwroot/
RUN dotnet publish SdWeb/SdWeb.csproj -c Release -p:TorchBackend=$TORCH_BACKEND --no-restore -o /app

# Ubuntu 24.04's libstdc++ has GLIBCXX_3.4.32, so libLibTorchSharp.so loads as shipped.
FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update && apt-get install -y --no-install-recommends libicu74 ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 sdweb \
 && mkdir -p /data /models && chown sdweb:sdweb /data /models
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    SdWeb__DataDir=/data \
    SdWeb__ModelsDir=/models \
    SdWeb__Device=auto \
    SdWeb__DType=auto
USER sdweb
EXPOSE 8080
VOLUME ["/data", "/models"]
ENTRYPOINT ["dotnet", "SdWeb.dll"]
