/// <reference path="../types/pocketbase-jsvm.d.ts" />

// Achievements: unlock rows are readable (list, view, realtime) by their owner only, so the owner
// hears of an unlock the moment it is saved and nobody else does. Everything else stays
// superuser-only: other users' achievements and everyone's progress go through
// GET /api/konvert/achievements, which shows others only unlocked, non-secret achievements.
// Plus an index for "reactions a user left (in a room)", counted on every reaction
// (reaction_brain, reactor) instead of trusting an incremented counter.

const OWN = "user = @request.auth.id";
const INDEX = "idx_reactions_user_room";

function setRule(app, rule) {
  const rows = app.findCollectionByNameOrId("user_achievements");
  rows.listRule = rule;
  rows.viewRule = rule;
  app.save(rows);
}

migrate(
  (app) => {
    setRule(app, OWN);
    const reactions = app.findCollectionByNameOrId("reactions");
    reactions.addIndex(INDEX, false, "`user`, `room`", "");
    app.save(reactions);
  },
  (app) => {
    setRule(app, null);
    const reactions = app.findCollectionByNameOrId("reactions");
    reactions.removeIndex(INDEX);
    app.save(reactions);
  },
);
