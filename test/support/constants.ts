/** The superuser every test instance is created with (never used outside throwaway data dirs). */
export const SUPERUSER = { email: "root@konvert.test", password: "superuser-password-1" } as const;
