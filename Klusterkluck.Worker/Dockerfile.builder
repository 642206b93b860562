# The builder: the worker's build mode (npm ci, dotnet publish, a klusterkluck.yaml build command),
# which the Kubernetes runtime runs as a Job per (function, commit) that needs a build. The same
# program as the worker image, on the .NET SDK with Node.js and npm. Build from the repository root:
#   docker build -f Klusterkluck.Worker/Dockerfile.builder -t klusterkluck/builder .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish Klusterkluck.Worker/Klusterkluck.Worker.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/sdk:10.0
# npm for nodejs functions' dependencies; git, a shell and the SDK's tools for build commands.
RUN apt-get update && apt-get install -y --no-install-recommends git nodejs npm ca-certificates && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 klusterkluck && useradd --uid 10001 --gid 10001 --no-create-home klusterkluck
WORKDIR /app
COPY --from=build /app .
# The Job runs it as 10001 with a read-only root: the checkout goes to /work, caches to /cache,
# HOME and the packed artifact to /tmp (emptyDirs, BuildObjects.cs).
USER 10001
ENV KK_WORK_DIR=/work KK_BUILD_CACHE=/cache HOME=/tmp DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ENTRYPOINT ["dotnet", "/app/Klusterkluck.Worker.dll", "build"]
