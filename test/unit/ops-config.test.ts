// Pure parts of the ops tooling: backup retention, backup names, `.env` -> PocketBase settings.
import { describe, expect, it } from "vitest";
import { backupDate, backupName, backupsToDelete } from "../../scripts/lib/backup-retention.ts";
import { ConfigError, configFromEnv, settingsPatch } from "../../scripts/lib/deployment-config.ts";

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

  it("turns S3 backups on when a bucket is configured", () => {
    const patch = settingsPatch(
      configFromEnv({ S3_BACKUP_BUCKET: "b", S3_BACKUP_ENDPOINT: "https://s3.example.com" }),
    );
    expect(patch["backups"]).toMatchObject({ s3: { enabled: true, bucket: "b" } });
  });
});
