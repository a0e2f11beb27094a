// Periodic square [0, 10]^2 for the isentropic vortex.
//   gmsh -2 square_periodic.geo -format msh41 -o square_periodic.msh [-setnumber h 0.25]
// Left/right and bottom/top are periodic pairs with identical node distributions, so every boundary
// edge has a translated partner. Physical curves are named so the solver can map them to periodic
// boundary conditions (or to others, when the same geometry is used without periodicity).

DefineConstant[ h = {0.5, Min 0.01, Max 5, Name "Parameters/Mesh size h"} ];
L = 10;

Point(1) = {0, 0, 0, h};
Point(2) = {L, 0, 0, h};
Point(3) = {L, L, 0, h};
Point(4) = {0, L, 0, h};

// Paired curves run in the same direction, so the translations map start to start.
Line(1) = {1, 2}; // bottom, +x
Line(2) = {2, 3}; // right,  +y
Line(3) = {4, 3}; // top,    +x
Line(4) = {1, 4}; // left,   +y

Curve Loop(1) = {1, 2, -3, -4};
Plane Surface(1) = {1};

Periodic Curve {2} = {4} Translate {L, 0, 0};
Periodic Curve {3} = {1} Translate {0, L, 0};

Physical Curve("bottom", 1) = {1};
Physical Curve("right", 2) = {2};
Physical Curve("top", 3) = {3};
Physical Curve("left", 4) = {4};
Physical Surface("fluid", 10) = {1};
