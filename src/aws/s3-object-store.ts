/**
 * ObjectStore on S3: archives are written by multipart upload with server-side encryption and
 * offered through short-lived presigned GETs. The multipart protocol is driven here rather than
 * through lib-storage's `Upload` because the worker must know each upload's id as soon as it
 * exists: it records the id on the job so that whoever takes over a dead worker's job can abort
 * the half-written upload (the emulator has no ListMultipartUploads, and a lifecycle rule only
 * cleans up days later).
 */
import { Writable } from 'node:stream';
import type { CompletedPart, S3ClientConfig } from '@aws-sdk/client-s3';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PartUpload } from '../archive/types.ts';
import type { ObjectStore, OpenUpload } from '../jobs/types.ts';
import type { PurgeObjects, StoredObject } from '../retention/types.ts';

export interface S3ObjectStoreOptions {
  bucket: string;
  sse: { algorithm: 'aws:kms' | 'AES256'; kmsKeyId: string | null };
  client?: S3Client;
  clientConfig?: S3ClientConfig;
  /** Size of each uploaded part; S3 requires >= 5 MiB for all but the last. */
  partSizeBytes?: number;
}

/** A part upload whose multipart upload id is known from the start. */
export interface TrackedPartUpload extends PartUpload {
  upload: OpenUpload;
}

export interface S3ObjectStore extends ObjectStore, PurgeObjects {
  openUpload(key: string, fileName: string): Promise<TrackedPartUpload>;
  readonly client: S3Client;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;

/** `attachment; filename="..."` with an RFC 5987 fallback for non-ASCII names. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Creates the S3 ObjectStore.
 * @example
 * const objects = createS3ObjectStore({ bucket, sse: { algorithm: 'aws:kms', kmsKeyId }, clientConfig: { region } });
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): S3ObjectStore {
  const client = options.client ?? new S3Client(options.clientConfig ?? {});
  const { bucket } = options;
  const partSize = Math.max(MIN_PART_BYTES, options.partSizeBytes ?? 8 * 1024 * 1024);
  const sse =
    options.sse.algorithm === 'aws:kms'
      ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: options.sse.kmsKeyId ?? undefined }
      : { ServerSideEncryption: 'AES256' as const };

  return {
    client,

    async openUpload(key, fileName) {
      const created = await client.send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: 'application/zip',
          ContentDisposition: attachmentDisposition(fileName),
          ...sse,
        }),
      );
      const uploadId = created.UploadId;
      if (!uploadId) throw new Error('S3 returned no UploadId');

      const completed: CompletedPart[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let aborted = false;

      const sendPart = async (body: Buffer) => {
        const partNumber = completed.length + 1;
        const out = await client.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
          }),
        );
        completed.push({ PartNumber: partNumber, ETag: out.ETag });
      };
      const takePending = () => {
        const body = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        return body;
      };

      const stream = new Writable({
        highWaterMark: 1024 * 1024,
        write(chunk: Buffer, _encoding, callback) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes < partSize) return callback();
          // Waiting for the part before accepting more keeps memory at about one part.
          sendPart(takePending()).then(() => callback(), callback);
        },
        final(callback) {
          // S3 needs at least one part; the last may be smaller than 5 MiB.
          if (pendingBytes === 0 && completed.length > 0) return callback();
          sendPart(takePending()).then(() => callback(), callback);
        },
      });

      const finished = new Promise<void>((resolve, reject) => {
        stream.once('finish', resolve);
        stream.once('error', reject);
        stream.once('close', () => {
          if (!stream.writableFinished) reject(new Error('part stream closed before it finished'));
        });
      });
      // A failure is reported through commit(); never as an unhandled rejection.
      finished.catch(() => undefined);

      return {
        upload: { key, uploadId },
        stream,
        async commit() {
          if (aborted) throw new Error('upload was aborted');
          if (!stream.writableEnded) stream.end();
          await finished;
          await client.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              MultipartUpload: { Parts: completed },
            }),
          );
          return { location: key };
        },
        async abort() {
          if (aborted) return;
          aborted = true;
          stream.destroy();
          await abortUpload(client, bucket, { key, uploadId });
        },
      };
    },

    presignDownload(key, fileName, expiresInSeconds) {
      return getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition: attachmentDisposition(fileName),
          ResponseContentType: 'application/zip',
        }),
        { expiresIn: expiresInSeconds },
      );
    },

    async listKeys(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of out.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },

    async listObjects(prefix) {
      const objects: StoredObject[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const object of out.Contents ?? []) {
          if (object.Key) objects.push({ key: object.Key, bytes: object.Size ?? 0 });
        }
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return objects;
    },

    async deleteKeys(keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const batch = keys.slice(i, i + 1000);
        await client.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      }
    },

    abortUpload: (upload) => abortUpload(client, bucket, upload),
  };
}

async function abortUpload(client: S3Client, bucket: string, upload: OpenUpload): Promise<void> {
  try {
    await client.send(
      new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }),
    );
  } catch (error) {
    // Already aborted or completed: the goal (no open upload) holds.
    if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
  }
}
