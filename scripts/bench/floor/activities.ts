/** The floor's activities: no work at all. */
export const floorActivities = {
  async noop(): Promise<void> {
    return undefined;
  },
};

export type FloorActivities = typeof floorActivities;
