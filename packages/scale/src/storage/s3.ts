import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { UsageError } from "@soro/core";
import type { Storage } from "./storage.js";

/**
 * The S3 client, configured only from the environment and the AWS profile (never from a soro config file):
 * credentials and region by the SDK's default chain (AWS_ACCESS_KEY_ID..., AWS_PROFILE, instance roles), the
 * endpoint of an S3-compatible store by AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL.
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const customEndpoint = Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
  return new S3Client({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (env.AWS_PROFILE ? undefined : "us-east-1"),
    // Most S3-compatible servers (MinIO, Ceph, s3rver) address buckets by path, not by host name.
    forcePathStyle: env.SORO_S3_PATH_STYLE ? env.SORO_S3_PATH_STYLE !== "0" : customEndpoint,
    maxAttempts: Number(env.SORO_S3_ATTEMPTS ?? 5),
    // Every shard carries its own sha256, checked end to end; the SDK's newer default checksums (chunked trailers)
    // are not understood by every S3-compatible server.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

const PART_SIZE = 16 * 2 ** 20;

/** Storage in an S3-compatible bucket, through the AWS SDK (multipart uploads, streamed downloads, retries). */
export class S3Storage implements Storage {
  constructor(
    readonly uri: string,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly client: S3Client,
  ) {}

  /** Opens `s3://bucket[/prefix]` with a client configured from the environment. */
  static fromUri(uri: string, client: S3Client = s3ClientFromEnv()): S3Storage {
    const [, bucket, rest = ""] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri) ?? [];
    if (!bucket) throw new UsageError(`soro: ${uri} is not an s3:// URI`, "write s3://bucket/prefix");
    const prefix = rest.replace(/\/+$/, "");
    return new S3Storage(uri.replace(/\/+$/, ""), bucket, prefix ? `${prefix}/` : "", client);
  }

  private key(key: string): string {
    return `${this.prefix}${key}`;
  }

  async putFile(key: string, file: string): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.key(key), Body: createReadStream(file) },
      partSize: PART_SIZE,
      queueSize: 4,
    });
    await upload.done();
  }

  async putJson(key: string, value: unknown): Promise<void> {
    // A single PUT is atomic in S3: readers get the previous object or this one, never a part.
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.key(key),
        Body: `${JSON.stringify(value, null, 2)}\n`,
        ContentType: "application/json",
      }),
    );
  }

  async getFile(key: string, file: string): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      await pipeline(res.Body as Readable, createWriteStream(tmp));
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async getJson<T>(key: string): Promise<T | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      if (!res.Body) throw new Error(`s3: ${this.key(key)} has no body`);
      return JSON.parse(await res.Body.transformToString("utf8")) as T;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as Error).name === "NoSuchKey") return null;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
      return true;
    } catch (err) {
      if (err instanceof NotFound || (err as Error).name === "NotFound") return false;
      throw err;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.bucket, Prefix: this.key(prefix) },
    );
    for await (const page of pages)
      for (const obj of page.Contents ?? []) if (obj.Key) keys.push(obj.Key.slice(this.prefix.length));
    return keys;
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(key) }));
  }
}
