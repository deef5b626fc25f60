// Pure parts of the ops tooling: backup retention, backup names, `.env` -> PocketBase settings.
import { describe, expect, it } from "vitest";
import { backupDate, backupName, backupsToDelete } from "../../scripts/lib/backup-retention.ts";
import { ConfigError, configFromEnv, settingsPatch } from "../../scripts/lib/deployment-config.ts";
import {
  litestreamConfigText,
  parseReplicaUrl,
  replicaFromEnv,
  replicateExecArgs,
} from "../../scripts/lib/replication.ts";

describe("backup retention", () => {
  const at = (iso: string) => backupName(new Date(iso));

  it("names backups so PocketBase accepts them and the date reads back", () => {
    const name = at("2025-11-25T16:07:09Z");
    expect(name).toBe("konvert-20251125-160709.zip");
    expect(name).toMatch(/^[a-z0-9_-]+\.zip$/);
    expect(backupDate(name)?.toISOString()).toBe("2025-11-25T16:07:09.000Z");
    expect(backupDate("pb_backup_20251125.zip")).toBeNull();
  });

  it("keeps the newest per day for N days and per week for M weeks", () => {
    // three a day over 30 days (2025-11-01 is a Saturday)
    const names: string[] = [];
    for (let day = 1; day <= 30; day++) {
      for (const hour of ["03", "11", "19"]) {
        names.push(at(`2025-11-${String(day).padStart(2, "0")}T${hour}:00:00Z`));
      }
    }
    const deleted = new Set(backupsToDelete([...names, "notes.txt"], 3, 2));
    const kept = names.filter((n) => !deleted.has(n)).sort();
    expect(kept).toEqual([
      // newest of week 2025-11-17..23 (week of the 24th is covered by the daily ones)
      "konvert-20251123-190000.zip",
      "konvert-20251128-190000.zip",
      "konvert-20251129-190000.zip",
      "konvert-20251130-190000.zip",
    ]);
    expect(deleted.has("notes.txt")).toBe(false);
  });

  it("always keeps the newest backup, even with zero retention", () => {
    const names = [at("2025-11-01T00:00:00Z"), at("2025-11-02T00:00:00Z")];
    expect(backupsToDelete(names, 0, 0)).toEqual([names[0]]);
  });
});

describe("deployment config", () => {
  it("maps the defaults onto PocketBase settings: proxy header trusted, mail off", () => {
    const patch = settingsPatch(configFromEnv({}));
    expect(patch).toMatchObject({
      meta: { appURL: "http://127.0.0.1:8090" },
      smtp: { enabled: false },
      trustedProxy: { headers: ["X-Real-IP"], useLeftmostIP: false },
      superuserIPs: [],
      backups: { cron: "0 3 * * *", cronMaxKeep: 7, s3: { enabled: false } },
    });
  });

  it("keeps loopback in a superuser IP allow-list so local tools keep working", () => {
    const patch = settingsPatch(
      configFromEnv({ KONVERT_SUPERUSER_IPS: "203.0.113.7, 10.0.0.0/8" }),
    );
    expect(patch["superuserIPs"]).toEqual(["203.0.113.7", "10.0.0.0/8", "127.0.0.1", "::1"]);
  });

  it("refuses to trust a proxy header on a publicly reachable listen address", () => {
    expect(() => configFromEnv({ PB_HTTP: "0.0.0.0:8090" })).toThrow(ConfigError);
    expect(() =>
      configFromEnv({ PB_HTTP: "0.0.0.0:8090", KONVERT_TRUSTED_PROXY_HEADER: "" }),
    ).not.toThrow();
  });

  it("explains bad values", () => {
    expect(() => configFromEnv({ KONVERT_SUPERUSER_IPS: "office" })).toThrow(/not an IP/);
    expect(() => configFromEnv({ KONVERT_BACKUP_KEEP: "0" })).toThrow(/at least 1/);
    expect(() => configFromEnv({ SMTP_PORT: "smtp" })).toThrow(/port/);
  });

  const s3 = (prefix: string) => ({
    [`${prefix}BUCKET`]: "b",
    [`${prefix}ENDPOINT`]: "https://s3.example.com",
    [`${prefix}ACCESS_KEY`]: "key",
    [`${prefix}SECRET`]: "secret",
  });

  it("turns S3 backups on when a bucket is configured", () => {
    const patch = settingsPatch(configFromEnv(s3("S3_BACKUP_")));
    expect(patch["backups"]).toMatchObject({
      s3: { enabled: true, bucket: "b", region: "us-east-1", forcePathStyle: true },
    });
    expect(patch["s3"]).toEqual({ enabled: false });
  });

  it("puts file storage on S3 when S3_FILES_BUCKET is set, separately from backups", () => {
    const patch = settingsPatch(configFromEnv({ ...s3("S3_FILES_"), S3_FILES_REGION: "eu-1" }));
    expect(patch["s3"]).toEqual({
      enabled: true,
      forcePathStyle: true,
      bucket: "b",
      region: "eu-1",
      endpoint: "https://s3.example.com",
      accessKey: "key",
      secret: "secret",
    });
    expect(patch["backups"]).toMatchObject({ s3: { enabled: false } });
  });

  it("names the missing S3 setting instead of letting PocketBase refuse the patch", () => {
    expect(() => configFromEnv({ ...s3("S3_FILES_"), S3_FILES_SECRET: "" })).toThrow(
      /S3_FILES_BUCKET is set, so S3_FILES_SECRET must be too/,
    );
    expect(() =>
      configFromEnv({ ...s3("S3_BACKUP_"), S3_BACKUP_ENDPOINT: "s3.example.com" }),
    ).toThrow(/S3_BACKUP_ENDPOINT must be an http/);
  });
});

describe("replication config", () => {
  it("accepts s3:// and file:/// replicas and refuses the rest with the reason", () => {
    expect(parseReplicaUrl("s3://bucket/konvert/")).toEqual({
      scheme: "s3",
      url: "s3://bucket/konvert",
    });
    expect(parseReplicaUrl("file:///var/replica")).toEqual({
      scheme: "file",
      url: "file:///var/replica",
    });
    expect(() => parseReplicaUrl("gs://bucket")).toThrow(/not supported/);
    expect(() => parseReplicaUrl("file://host/path")).toThrow(/absolute/);
    expect(() => parseReplicaUrl("s3://b/p?endpoint=x")).toThrow(/--replica-endpoint/);
    expect(() => parseReplicaUrl("/var/replica")).toThrow(/not a URL/);
  });

  it("writes a Litestream config for data.db with no credential in it", () => {
    const replica = replicaFromEnv({
      KONVERT_REPLICA_URL: "s3://bucket/konvert",
      KONVERT_REPLICA_ENDPOINT: "http://127.0.0.1:8333",
      LITESTREAM_SECRET_ACCESS_KEY: "do-not-write-me",
    });
    expect(replica).not.toBeNull();
    const text = litestreamConfigText("/srv/konvert/pb_data", replica!);
    expect(text).not.toContain("do-not-write-me");
    // JSON is YAML: Litestream reads the body as it is
    const body = JSON.parse(text.slice(text.indexOf("\n") + 1)) as {
      dbs: { path: string; replica: Record<string, unknown> }[];
    };
    expect(body.dbs).toEqual([
      {
        path: "/srv/konvert/pb_data/data.db",
        replica: {
          url: "s3://bucket/konvert/data.db",
          "sync-interval": "1s",
          endpoint: "http://127.0.0.1:8333",
          "force-path-style": true,
        },
      },
    ]);
    expect(replicaFromEnv({})).toBeNull();
    expect(() =>
      replicaFromEnv({ KONVERT_REPLICA_URL: "s3://b", KONVERT_REPLICA_SYNC_INTERVAL: "soon" }),
    ).toThrow(/duration/);
  });

  it("quotes the command Litestream runs like a shell would split it", () => {
    expect(replicateExecArgs("/c.yml", ["/bin/pb", "serve", "--origins=a b", "it's"])).toEqual([
      "replicate",
      "-config",
      "/c.yml",
      "-exec",
      "/bin/pb serve '--origins=a b' 'it'\\''s'",
    ]);
  });
});
