export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** `approved` is the lowest bar for anything beyond /start: any stored role. */
export type Requirement = 'anyone' | 'approved' | Role;

export function roleRank(role: Role | undefined): number {
  return role === undefined ? 0 : ROLES.indexOf(role) + 1;
}

export function satisfies(role: Role | undefined, requirement: Requirement): boolean {
  switch (requirement) {
    case 'anyone':
      return true;
    case 'approved':
      return role !== undefined;
    default:
      return roleRank(role) >= roleRank(requirement);
  }
}

/** Whoever sent a command or pressed a button, with the role re-read from the store for this very request. */
export interface Actor {
  readonly platform: string;
  readonly userId: string;
  readonly name: string;
  readonly username?: string;
  readonly role: Role | undefined;
  readonly locale: string;
  readonly chat: { readonly id: string; readonly type: 'private' | 'group' };
}

/** How an actor is named in audits and in comments written to vendor systems. */
export function actorLabel(actor: Pick<Actor, 'name' | 'username' | 'userId' | 'platform'>): string {
  const handle = actor.username ? ` (@${actor.username})` : '';
  return `${actor.name}${handle} [${actor.platform}:${actor.userId}]`;
}
