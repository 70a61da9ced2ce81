/** The floor workflows' activities: they do nothing, so what is measured is Temporal's cost. */
export interface FloorActivities {
  floorFirst(id: string): Promise<string>;
  floorSecond(id: string): Promise<string>;
}

export const floorActivities: FloorActivities = {
  floorFirst: (id) => Promise.resolve(id),
  floorSecond: (id) => Promise.resolve(id),
};
