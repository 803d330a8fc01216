/* The state of the phone's ballot controls, without the page: dots given with steppers
 * and an order made by tapping options. Pure functions on plain values (tested under
 * Node in tests/views/test_controls_js.py); ballot.mjs keeps the form's own fields
 * (the number boxes and the place drop-downs) in step with them. */

// Dots given, from the number boxes' values: whole numbers above 0 only.
export function dotsFromValues(values) {
  const given = {};
  Object.keys(values).forEach((key) => {
    const text = String(values[key]).trim();
    const n = /^\d+$/.test(text) ? parseInt(text, 10) : 0;
    if (n > 0) {
      given[key] = n;
    }
  });
  return given;
}

export function dotsUsed(given) {
  return Object.keys(given).reduce((sum, key) => sum + given[key], 0);
}

// Below 0 when more were typed than the poll gives.
export function dotsLeft(given, limit) {
  return limit - dotsUsed(given);
}

export function dotsCanAdd(given, limit) {
  return dotsLeft(given, limit) > 0;
}

export function dotsCanTakeOff(given, key) {
  return (given[key] || 0) > 0;
}

// One dot more (step 1) or fewer (step -1) on an option: never below 0, never past the limit.
export function dotsStep(given, key, step, limit) {
  if ((step > 0 && !dotsCanAdd(given, limit)) || (step < 0 && !dotsCanTakeOff(given, key))) {
    return given;
  }
  const next = Object.assign({}, given);
  const n = (next[key] || 0) + (step > 0 ? 1 : -1);
  if (n > 0) {
    next[key] = n;
  } else {
    delete next[key];
  }
  return next;
}

// -- ranking by tapping ----------------------------------------------------------------

// The option tapped goes last in the order; one already there stays where it is.
export function rankAdd(order, key) {
  return order.indexOf(key) >= 0 ? order : order.concat([key]);
}

export function rankUndo(order) {
  return order.slice(0, -1);
}

export function rankReset() {
  return [];
}

// Each ranked option's place, 1 for the first.
export function placesOf(order) {
  const places = {};
  order.forEach((key, index) => { places[key] = index + 1; });
  return places;
}

// The order of the drop-downs' places ("" or nonsense is not ranked); a repeated place
// keeps the options' own order (keys), and gaps close up.
export function orderFromPlaces(places, keys) {
  const own = keys || Object.keys(places);
  const placed = [];
  own.forEach((key, index) => {
    const text = String(places[key] === undefined ? "" : places[key]).trim();
    if (/^\d+$/.test(text) && parseInt(text, 10) > 0) {
      placed.push([parseInt(text, 10), index, key]);
    }
  });
  placed.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return placed.map((p) => p[2]);
}

// The options still to tap, in the poll's own order.
export function rankLeft(keys, order) {
  return keys.filter((key) => order.indexOf(key) < 0);
}
