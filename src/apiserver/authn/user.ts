// Who a request comes from, as authorization and audit see it (upstream's user.Info).
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const AUTHENTICATED_GROUP = "system:authenticated";

/** Every authenticated user is in system:authenticated; added once, after the user's own groups. */
export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(AUTHENTICATED_GROUP) ? user : { ...user, groups: [...user.groups, AUTHENTICATED_GROUP] };
}
