using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Nixery.Storage;

/// <summary>
/// Grain state kept as documents on the configured storage backend, so a
/// single-process registry keeps manifests and layer locations across
/// restarts without another service (Orleans has no file grain storage).
/// State is encoded with Orleans' own serializer, which follows the
/// <c>[Id]</c>/<c>[Alias]</c> attributes rather than .NET type names, so
/// renaming a class does not orphan stored state.
/// </summary>
public sealed class BlobStoreGrainStorage(string name, IBlobStore store, Serializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var document = await store.ReadDocumentAsync(Key(stateName, grainId), CancellationToken.None);
        if (document is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        grainState.State = serializer.Deserialize<T>(document.Content);
        grainState.ETag = document.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            grainState.ETag = await store.WriteDocumentAsync(
                Key(stateName, grainId), serializer.SerializeToArray(grainState.State), grainState.ETag, CancellationToken.None);
            grainState.RecordExists = true;
        }
        catch (DocumentConflictException e)
        {
            throw new InconsistentStateException(e.Message, grainState.ETag, "(changed)", e);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await store.DeleteDocumentAsync(Key(stateName, grainId), grainState.ETag, CancellationToken.None);
        }
        catch (DocumentConflictException e)
        {
            throw new InconsistentStateException(e.Message, grainState.ETag, "(changed)", e);
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
    }

    private string Key(string stateName, GrainId grainId) => $"grains/{name}/{stateName}/{grainId.Type}/{grainId.Key}";
}
