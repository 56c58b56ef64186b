import { useQuery } from '@tanstack/react-query';
import { useDeferredValue } from 'react';
import { lookupUser } from '../api/users';
import type { PublicUser } from '../api/types';
import { searchQuery } from './queries';

/** Name search, or a federated `user@server` lookup when the text has an @. */
export function useUserSearch(raw: string, excludeId: string | null): { results: PublicUser[]; searching: boolean; error: string | null } {
  const q = useDeferredValue(raw.trim());
  const isIdentity = q.includes('@');
  const search = useQuery({ ...searchQuery(isIdentity ? '' : q) });
  const lookup = useQuery({ queryKey: ['lookup', q], queryFn: () => lookupUser(q), enabled: isIdentity && /^[^@]+@[^@]+$/.test(q), retry: false });
  const active = isIdentity ? lookup : search;
  const data = isIdentity ? (lookup.data === undefined ? [] : [lookup.data]) : (search.data ?? []);
  const notFound = isIdentity && lookup.error !== null;
  return {
    results: data.filter((u) => u.id !== excludeId),
    searching: active.isFetching,
    error: notFound ? `No user ${q} was found.` : search.error !== null ? search.error.message : null,
  };
}
